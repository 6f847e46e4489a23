// Redis stopped mid-test: every operation rejects with WITLINE_STORE_UNAVAILABLE (503)
// within its deadline (in flight or sent later: nothing queues, nothing hangs), and when
// Redis starts again on the same port the store reconnects and answers again.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisStore, StoreUnavailableError } from '../../src/redis/index.js';
import { startOwnRedis, type OwnRedis } from '../support/redis.js';

let redis: OwnRedis;
beforeAll(async () => void (redis = await startOwnRedis()));
afterAll(() => redis?.stop());

const TIMEOUT_MS = 50;
// What "within the deadline" allows for a busy 2-core machine's timers; a hang would be seconds.
const SLACK_MS = 500;

async function settleAll(store: RedisStore) {
  const started = performance.now();
  const ops = [
    store.get('k'),
    store.set('k', new Uint8Array([1]), 0),
    store.incr('n', 1n, 0),
    store.compareAndSwap('k', undefined, new Uint8Array([2]), 0),
    store.delete('k'),
  ];
  const results = await Promise.allSettled(ops);
  return { results, elapsed: performance.now() - started };
}

it('rejects at once while Redis is down, and recovers when it is back', async () => {
  const store = new RedisStore({ url: redis.url, timeoutMs: TIMEOUT_MS, connectTimeoutMs: 200, reconnect: { minDelayMs: 5, maxDelayMs: 50 } });
  await store.ready();
  expect(await store.incr('n', 1n, 0)).toBe(1n);

  // Operations in flight when the server goes away, then operations sent while it is away.
  const inFlight = settleAll(store);
  await redis.stop();
  for (const batch of [await inFlight, await settleAll(store), await settleAll(store)]) {
    expect(batch.elapsed).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    for (const r of batch.results) {
      if (r.status === 'fulfilled') continue; // answered before the server went
      expect(r.reason).toBeInstanceOf(StoreUnavailableError);
      expect(r.reason).toMatchObject({ code: 'WITLINE_STORE_UNAVAILABLE', statusCode: 503 });
    }
  }
  const down = await settleAll(store);
  expect(down.results.map((r) => r.status)).toEqual(Array(5).fill('rejected'));
  expect(down.results.map((r) => (r as PromiseRejectedResult).reason.reason)).toEqual(Array(5).fill('offline'));
  await expect(store.ready()).rejects.toMatchObject({ code: 'WITLINE_STORE_UNAVAILABLE' });
  const during = store.stats();
  expect(during.connected).toBe(false);
  expect(during.offline).toBeGreaterThanOrEqual(5);
  expect(during.failures).toBeGreaterThanOrEqual(during.offline);

  await redis.start();
  await store.ready();
  // The restarted server is empty and has no scripts cached: incr loads its script again.
  expect(await store.incr('n', 1n, 0)).toBe(1n);
  expect(await store.get('n')).toEqual(Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]));
  const after = store.stats();
  expect(after.connected).toBe(true);
  expect(after.reconnects).toBeGreaterThan(0);
  await store.close();
});
