// Redis hung (SIGSTOP: connected, answering nothing) under a pipeline: a stage calling
// the store answers 503 WITLINE_STORE_UNAVAILABLE once the store's deadline (timeoutMs)
// passes, so no request hangs with it; thawed, the pipeline serves again.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pipeline } from '../../src/index.js';
import { RedisStore } from '../../src/redis/index.js';
import { kvCounter } from '../support/components.js';
import { startOwnRedis, type OwnRedis } from '../support/redis.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

let redis: OwnRedis;
beforeAll(async () => void (redis = await startOwnRedis()));
afterAll(() => redis?.stop());

it('answers 503 past the store deadline while Redis is frozen, and recovers once thawed', async () => {
  const kv = new RedisStore({ url: redis.url, keyPrefix: 'frozen:', timeoutMs: 50, stallMs: 60_000 });
  await kv.ready();
  const p = pipeline([kvCounter({ config: { op: 'cas' } })], { kv, logger: quiet });
  expect((await p.inject({ url: '/n' })).text()).toBe('1');

  await redis.freeze();
  const down = await Promise.all(Array.from({ length: 10 }, () => p.inject({ url: '/n' })));
  for (const res of down) {
    expect(res.status).toBe(503);
    expect(res.json<{ error: string }>().error).toBe('WITLINE_STORE_UNAVAILABLE');
  }
  expect(p.describe().stages[0].storeFailures).toBe(10);
  expect(p.describe().store!.timeouts).toBeGreaterThanOrEqual(10);

  redis.thaw();
  await kv.ready();
  // The frozen writes were never sent or may have landed; the counter only moves up from here.
  const before = Number((await p.inject({ url: '/n', headers: { 'x-kv-read': '1' } })).text());
  expect((await p.inject({ url: '/n' })).text()).toBe(String(before + 1));
  await p.close();
  await kv.close();
}, 30_000);
