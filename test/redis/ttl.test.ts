// TTLs map to PX: set, incr and compare-and-swap with a ttl set the key's expiry on the
// server; ttl 0 means none (clearing any, except incr on an existing counter, which keeps
// it, as MemoryStore does); and a key with a 1 ms TTL is gone once it has passed.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisStore } from '../../src/redis/index.js';
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

const bytes = (s: string) => new TextEncoder().encode(s);

it('sets, keeps and clears PX as MemoryStore keeps expiry, and expires keys', async () => {
  const prefix = uniquePrefix('ttl');
  const store = new RedisStore({ url: redis.url, keyPrefix: prefix, timeoutMs: 2_000 });
  await store.ready();
  const pttl = (key: string) => admin.pTTL(prefix + key);

  await store.set('s', bytes('v'), 60_000);
  expect(await pttl('s')).toBeGreaterThan(59_000);
  expect(await pttl('s')).toBeLessThanOrEqual(60_000);
  await store.set('s', bytes('v'), 0);
  expect(await pttl('s')).toBe(-1); // ttl 0: no expiry, the old one cleared

  await store.incr('n', 1n, 60_000);
  expect(await pttl('n')).toBeGreaterThan(59_000);
  await store.incr('n', 1n, 0);
  expect(await pttl('n')).toBeGreaterThan(59_000); // kept
  await store.incr('n', 1n, 5_000);
  expect(await pttl('n')).toBeLessThanOrEqual(5_000); // reset
  await store.incr('fresh', 1n, 0);
  expect(await pttl('fresh')).toBe(-1);

  expect(await store.compareAndSwap('c', undefined, bytes('x'), 30_000)).toBe(true);
  expect(await pttl('c')).toBeGreaterThan(29_000);
  expect(await store.compareAndSwap('c', bytes('x'), bytes('y'), 0)).toBe(true);
  expect(await pttl('c')).toBe(-1);

  // A TTL of years (and one past what Redis could represent) is accepted: in effect, never.
  await store.set('far', bytes('v'), 2 ** 64);
  expect(await pttl('far')).toBeGreaterThan(1e15);

  // Expiry observed: poll (bounded) until the 1 ms has passed on the server's clock.
  await store.set('short', bytes('v'), 1);
  let polls = 0;
  while ((await store.get('short')) !== undefined) expect(++polls).toBeLessThan(10_000);
  expect(await admin.exists(prefix + 'short')).toBe(0);
  expect(await store.incr('short', 5n, 0)).toBe(5n); // an expired counter counts from 0
  await store.close();
});
