// `compareAndSwap` is atomic across connections: 8 read-modify-write loops on 4
// connections each add 1 to one counter (held as bytes) 50 times, retrying when their
// swap loses; none of the 400 increments is lost.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisStore } from '../../src/redis/index.js';
import { testRedis, uniquePrefix } from '../support/redis.js';

let redis: Awaited<ReturnType<typeof testRedis>>;
beforeAll(async () => void (redis = await testRedis()));
afterAll(() => redis?.close());

const encode = (n: number) => new TextEncoder().encode(String(n));
const decode = (b: Uint8Array | undefined) => (b === undefined ? 0 : Number(new TextDecoder().decode(b)));

it('loses no increment among concurrent compare-and-swap loops', async () => {
  const prefix = uniquePrefix('cas');
  const stores = Array.from({ length: 4 }, () => new RedisStore({ url: redis.url, keyPrefix: prefix, timeoutMs: 5_000 }));
  await Promise.all(stores.map((s) => s.ready()));
  let conflicts = 0;
  const loop = async (store: RedisStore) => {
    for (let done = 0; done < 50;) {
      const seen = await store.get('n');
      if (await store.compareAndSwap('n', seen, encode(decode(seen) + 1), 0)) done++;
      else conflicts++;
    }
  };
  await Promise.all(Array.from({ length: 8 }, (_, i) => loop(stores[i % stores.length])));

  expect(decode(await stores[0].get('n'))).toBe(400);
  // The loops did race (else the total would prove nothing): every round, all read before any swapped.
  expect(conflicts).toBeGreaterThan(0);
  await Promise.all(stores.map((s) => s.close()));
});
