// A connection that has stopped answering (a hung server, a partition: nothing closes it)
// is dropped after `stallMs` without an answer and a new one opened: operations then fail
// at once ('offline') instead of each waiting out its deadline, and the store answers again
// as soon as the server does.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisStore } from '../../src/redis/index.js';
import { startOwnRedis, type OwnRedis } from '../support/redis.js';

let redis: OwnRedis;
beforeAll(async () => void (redis = await startOwnRedis()));
afterAll(() => redis?.stop());

it('replaces a connection with no answer for stallMs, and recovers through the new one', async () => {
  const store = new RedisStore({ url: redis.url, timeoutMs: 50, stallMs: 200 });
  await store.ready();
  await store.set('k', new Uint8Array([1]), 0);

  await redis.freeze();
  // Operations time out one after another until the connection has been silent for stallMs.
  const reasons: string[] = [];
  while (store.stats().reconnects === 0) {
    expect(reasons.length).toBeLessThan(200); // 200 × 50 ms: far past stallMs
    reasons.push(
      await store.get('k').then(
        () => 'answered',
        (err) => err.reason,
      ),
    );
  }
  expect(new Set(reasons)).toEqual(new Set(['timeout']));
  expect(reasons.length * 50).toBeGreaterThanOrEqual(200);
  // The new connection is not ready (the server is still hung): operations fail at once.
  await expect(store.get('k')).rejects.toMatchObject({ code: 'WITLINE_STORE_UNAVAILABLE', reason: 'offline' });

  redis.thaw();
  await store.ready();
  expect(await store.get('k')).toEqual(Buffer.from([1]));
  expect(store.stats()).toMatchObject({ connected: true, reconnects: 1 });
  await store.close();
});
