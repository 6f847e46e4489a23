// Values are capped (`maxValueBytes`, 1 MiB by default): a larger `set` or
// `compareAndSwap` rejects with WITLINE_STORE_VALUE_TOO_LARGE and writes nothing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisStore, StoreValueTooLargeError } from '../../src/redis/index.js';
import { testRedis, uniquePrefix } from '../support/redis.js';

let redis: Awaited<ReturnType<typeof testRedis>>;
beforeAll(async () => void (redis = await testRedis()));
afterAll(() => redis?.close());

it('refuses values over maxValueBytes with a typed error, writing nothing', async () => {
  const store = new RedisStore({ url: redis.url, keyPrefix: uniquePrefix('size'), timeoutMs: 2_000, maxValueBytes: 1024 });
  await store.ready();
  await store.set('ok', new Uint8Array(1024).fill(7), 0);
  expect(await store.get('ok')).toEqual(Buffer.alloc(1024, 7));

  const tooLarge = { code: 'WITLINE_STORE_VALUE_TOO_LARGE', statusCode: 500 };
  await expect(store.set('big', new Uint8Array(1025), 0)).rejects.toMatchObject(tooLarge);
  await expect(store.compareAndSwap('big', undefined, new Uint8Array(1025), 0)).rejects.toBeInstanceOf(StoreValueTooLargeError);
  expect(await store.get('big')).toBeUndefined();
  await store.close();
});

it('caps at 1 MiB by default', async () => {
  const store = new RedisStore({ url: redis.url, keyPrefix: uniquePrefix('size-default'), timeoutMs: 5_000 });
  await store.ready();
  await store.set('mib', new Uint8Array(1 << 20), 0);
  expect((await store.get('mib'))?.byteLength).toBe(1 << 20);
  await expect(store.set('over', new Uint8Array((1 << 20) + 1), 0)).rejects.toMatchObject({ code: 'WITLINE_STORE_VALUE_TOO_LARGE' });
  await store.close();
});
