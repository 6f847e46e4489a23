// A node-redis client of the caller's own works as the store's connection: operations go
// through it (prefixed, under the store's deadline), and closing the store leaves it open.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisStore } from '../../src/redis/index.js';
import { inspector, testRedis, uniquePrefix } from '../support/redis.js';

let redis: Awaited<ReturnType<typeof testRedis>>;
beforeAll(async () => void (redis = await testRedis()));
afterAll(() => redis?.close());

it('runs on a client it was given and leaves it open', async () => {
  const client = await inspector(redis.url);
  const prefix = uniquePrefix('given');
  const store = new RedisStore({ client, keyPrefix: prefix, timeoutMs: 2_000 });
  await store.ready();
  expect(await store.incr('n', 41n, 0)).toBe(41n);
  expect(await store.compareAndSwap('c', undefined, new Uint8Array([1]), 0)).toBe(true);
  expect(await client.exists(`${prefix}n`)).toBe(1);
  await store.close();
  expect(client.isReady).toBe(true);
  expect(await client.get(`${prefix}c`)).toBe('\x01');
  await client.close();
});
