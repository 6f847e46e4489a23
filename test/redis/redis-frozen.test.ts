// A Redis that hangs (SIGSTOP: connected, answering nothing) costs each operation its
// deadline and no more: every one rejects with reason 'timeout' after about `timeoutMs`,
// commands already written included. Once it answers again, so does the store.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisStore, StoreUnavailableError } from '../../src/redis/index.js';
import { startOwnRedis, type OwnRedis } from '../support/redis.js';

let redis: OwnRedis;
beforeAll(async () => void (redis = await startOwnRedis()));
afterAll(() => redis?.stop());

const TIMEOUT_MS = 50;
const SLACK_MS = 500; // timers on a busy 2-core machine; a hang would be unbounded

it('times every operation out at its deadline while Redis hangs, then answers again', async () => {
  const store = new RedisStore({ url: redis.url, timeoutMs: TIMEOUT_MS });
  await store.ready();
  await store.set('k', new Uint8Array([1]), 0);

  await redis.freeze();
  const started = performance.now();
  const results = await Promise.allSettled([
    store.get('k'),
    store.set('k', new Uint8Array([2]), 0),
    ...Array.from({ length: 100 }, () => store.incr('n', 1n, 0)),
    store.compareAndSwap('k', undefined, new Uint8Array([3]), 0),
    store.delete('k'),
  ]);
  const elapsed = performance.now() - started;
  expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 1);
  expect(elapsed).toBeLessThan(TIMEOUT_MS + SLACK_MS);
  for (const r of results) {
    expect(r.status).toBe('rejected');
    const err = (r as PromiseRejectedResult).reason;
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect(err).toMatchObject({ code: 'WITLINE_STORE_UNAVAILABLE', reason: 'timeout' });
  }
  expect(store.stats()).toMatchObject({ timeouts: 104, failures: 104 });

  redis.thaw();
  // The late answers to the timed-out commands arrive first and are dropped; then it is current.
  const fresh = new RedisStore({ url: redis.url, timeoutMs: 5_000 });
  await fresh.ready();
  const n = await fresh.incr('n', 0n, 0); // what the server did with the written increments: its business, not ours
  expect(await store.incr('n', 1n, 0)).toBe(n + 1n);
  await Promise.all([store.close(), fresh.close()]);
});
