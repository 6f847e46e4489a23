// Redis stopped under a pipeline: a stage calling the store answers 503
// WITLINE_STORE_UNAVAILABLE (with Retry-After) at once, no request hangs, and the
// failures are counted in describe(); once Redis is started again, the same pipeline
// serves again. On this runtime's path: suspended (Node 26, JSPI) or pooled (Node 20).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pipeline } from '../../src/index.js';
import { RedisStore } from '../../src/redis/index.js';
import { kvCounter } from '../support/components.js';
import { startOwnRedis, type OwnRedis } from '../support/redis.js';

// Store failures are logged as 5xx errors; the test reads them from the answers.
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

let redis: OwnRedis;
beforeAll(async () => void (redis = await startOwnRedis()));
afterAll(() => redis?.stop());

it('answers 503 with the stable code while Redis is down, and recovers once it is back', async () => {
  const kv = new RedisStore({ url: redis.url, keyPrefix: 'stopped:' });
  await kv.ready();
  const p = pipeline([kvCounter()], { kv, logger: quiet });
  expect((await p.inject({ url: '/hits' })).text()).toBe('1');

  await redis.stop();
  const down = await Promise.all(Array.from({ length: 20 }, () => p.inject({ url: '/hits' })));
  for (const res of down) {
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json<{ error: string }>().error).toBe('WITLINE_STORE_UNAVAILABLE');
  }
  const d = p.describe();
  expect(d.stages[0].storeFailures).toBe(20);
  expect(d.store).toMatchObject({ connected: false });
  expect(d.store!.failures).toBeGreaterThanOrEqual(20);

  await redis.start();
  await kv.ready();
  // A fresh, empty Redis: the counter starts again.
  expect((await p.inject({ url: '/hits' })).text()).toBe('1');
  expect((await p.inject({ url: '/hits' })).text()).toBe('2');
  expect(p.describe().stages[0].storeFailures).toBe(20);
  await p.close();
  await kv.close();
}, 30_000);
