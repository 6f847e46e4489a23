// Keys are namespaced: every key the store writes carries its `keyPrefix` (default
// 'witline:'), so that stores with different prefixes on one Redis never see each other's.
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

it('keeps stores with different prefixes apart, on raw keys carrying the prefix', async () => {
  const [pa, pb] = [uniquePrefix('a'), uniquePrefix('b')];
  const a = new RedisStore({ url: redis.url, keyPrefix: pa, timeoutMs: 2_000 });
  const b = new RedisStore({ url: redis.url, keyPrefix: pb, timeoutMs: 2_000 });
  await Promise.all([a.ready(), b.ready()]);

  await a.set('k', bytes('from a'), 0);
  expect(await b.get('k')).toBeUndefined();
  expect(await b.compareAndSwap('k', undefined, bytes('from b'), 0)).toBe(true);
  expect(await a.incr('n', 3n, 0)).toBe(3n);
  expect(await b.incr('n', 1n, 0)).toBe(1n);
  await b.delete('k');
  expect(Buffer.from((await a.get('k'))!).toString()).toBe('from a');

  expect((await admin.keys(`${pa}*`)).sort()).toEqual([`${pa}k`, `${pa}n`]);
  expect(await admin.keys(`${pb}*`)).toEqual([`${pb}n`]);
  await Promise.all([a.close(), b.close()]);
});

it("prefixes with 'witline:' by default", async () => {
  const key = uniquePrefix('default');
  const store = new RedisStore({ url: redis.url, timeoutMs: 2_000 });
  await store.ready();
  await store.set(key, bytes('v'), 0);
  expect(await admin.exists(`witline:${key}`)).toBe(1);
  await store.delete(key);
  expect(await admin.exists(`witline:${key}`)).toBe(0);
  await store.close();
});
