// While Redis hangs, at most `maxPending` commands wait for it: operations past that fail
// at once (no backlog grows), and the silent connection is still replaced after `stallMs`.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisStore } from '../../src/redis/index.js';
import { startOwnRedis, type OwnRedis } from '../support/redis.js';

let redis: OwnRedis;
beforeAll(async () => void (redis = await startOwnRedis()));
afterAll(() => redis?.stop());

it('bounds the commands waiting on a hung Redis, and replaces the connection', async () => {
  const store = new RedisStore({ url: redis.url, timeoutMs: 50, stallMs: 200, maxPending: 10 });
  await store.ready();
  await redis.freeze();

  const results = await Promise.allSettled(Array.from({ length: 50 }, () => store.get('k')));
  const reasons = results.map((r) => (r.status === 'rejected' ? r.reason.reason : 'answered'));
  expect(reasons.filter((r) => r === 'timeout')).toHaveLength(10);
  expect(reasons.filter((r) => r === 'error')).toHaveLength(40); // refused at once: the queue is full
  for (const r of results) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'WITLINE_STORE_UNAVAILABLE' });

  // Nothing times out any more (everything is refused at once), yet the connection is replaced once silent for stallMs.
  for (let polls = 0; store.stats().reconnects === 0; polls++) {
    expect(polls).toBeLessThan(1_000_000);
    await store.get('k').catch(() => {});
    await new Promise((r) => setImmediate(r));
  }
  redis.thaw();
  await store.ready();
  expect(await store.get('k')).toBeUndefined();
  await store.close();
});
