// Host capabilities keep their meaning on a worker: a pooled rate-limit stage reads and
// writes the main thread's kv store (a synchronous proxy, one atomic operation at a time),
// sees the pipeline's injected clock, and gets each request's client address.
import { afterAll, expect, it } from 'vitest';
import { MemoryStore, pipeline, stage, type Pipeline } from '../../src/index.js';
import { rateLimit } from '../../src/middleware/index.js';

const T0 = 1_700_000_000_000;
const clock = { now: T0 };
const store = new MemoryStore({ now: () => clock.now });
const options = { kv: store, clock: () => clock.now, handler: () => ({ status: 200, body: 'ok' }) };
const pooled = pipeline([stage({ ...rateLimit({ burst: 3, perSecond: 1 }), pool: { minThreads: 2, maxThreads: 2 } })], options);
const inThread = pipeline([rateLimit({ burst: 3, perSecond: 1 })], options);
afterAll(() => Promise.all([pooled.close(), inThread.close()]));

const hit = async (p: Pipeline, remoteAddress = '10.0.0.1') => (await p.inject({ remoteAddress })).status;

it("shares the main thread's store and clock with pooled stages", async () => {
  await Promise.all([pooled.ready(), inThread.ready()]);
  expect(pooled.describe().stages[0]).toMatchObject({ mode: 'pooled', placement: 'pool' });

  // One bucket, drawn from both sides.
  expect([await hit(pooled), await hit(inThread), await hit(pooled), await hit(inThread)]).toEqual([200, 200, 200, 429]);
  expect(store.get('rl:a:10.0.0.1')).toBeDefined();
  // The client address travels with the task: another address has its own bucket.
  expect(await hit(pooled, '10.0.0.2')).toBe(200);

  // The refill follows the injected clock (Date.now would be years away from T0).
  clock.now += 1000;
  expect([await hit(pooled), await hit(pooled)]).toEqual([200, 429]);

  // Concurrent requests on two workers: each compare-and-swap runs on the main thread's
  // store one at a time, so exactly `burst` of them pass.
  clock.now += 10_000;
  const all = await Promise.all(Array.from({ length: 12 }, () => hit(pooled, '10.0.0.3')));
  expect(all.filter((s) => s === 200)).toHaveLength(3);
  expect(all.filter((s) => s === 429)).toHaveLength(9);
});

it("writes the response phase's RateLimit headers from the same store", async () => {
  clock.now += 60_000;
  const res = await pooled.inject({ remoteAddress: '10.0.0.9' });
  expect(res.status).toBe(200);
  expect(res.headers['ratelimit-limit']).toBe('3');
  expect(res.headers['ratelimit-remaining']).toBe('2');
  const other = await inThread.inject({ remoteAddress: '10.0.0.9' });
  expect(other.headers['ratelimit-remaining']).toBe('1');
});
