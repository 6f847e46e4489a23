// A TTL a guest gives a write is the key's expiry in Redis (PX), and a key past it is
// gone for the guest too: read back as absent, counted again from 0.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pipeline } from '../../src/index.js';
import { RedisStore } from '../../src/redis/index.js';
import { kvCounter } from '../support/components.js';
import { inspector, testRedis, uniquePrefix } from '../support/redis.js';

let redis: Awaited<ReturnType<typeof testRedis>>;
let admin: Awaited<ReturnType<typeof inspector>>;
beforeAll(async () => {
  redis = await testRedis();
  admin = await inspector(redis.url);
});
afterAll(async () => {
  await admin?.close();
  await redis?.close();
});

it('sets the expiry a guest asks for, and the key expires for the guest', async () => {
  const prefix = uniquePrefix('guest-ttl');
  const kv = new RedisStore({ url: redis.url, keyPrefix: prefix, timeoutMs: 2_000 });
  await kv.ready();
  const long = pipeline([kvCounter({ config: { 'ttl-ms': 60_000 } })], { kv });
  const short = pipeline([kvCounter({ config: { 'ttl-ms': 1 } })], { kv });

  expect((await long.inject({ url: '/long' })).text()).toBe('1');
  const pttl = await admin.pTTL(prefix + '/long');
  expect(pttl).toBeGreaterThan(59_000);
  expect(pttl).toBeLessThanOrEqual(60_000);

  expect((await short.inject({ url: '/short' })).text()).toBe('1');
  // Poll (bounded) through the guest until the 1 ms has passed on the server's clock.
  let polls = 0;
  while ((await short.inject({ url: '/short', headers: { 'x-kv-read': '1' } })).status === 200) expect(++polls).toBeLessThan(10_000);
  expect(await admin.exists(prefix + '/short')).toBe(0);
  expect((await short.inject({ url: '/short' })).text()).toBe('1');

  await Promise.all([long.close(), short.close()]);
  await kv.close();
}, 30_000);
