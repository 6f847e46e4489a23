// incr and compare-and-swap stay atomic when guests call them on a shared Redis: two
// pipelines, each on its own connection, increment one key concurrently through the
// kv-counter guest, by incr and by a get/compare-and-swap loop; no increment is lost and
// each one returns its own value.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pipeline } from '../../src/index.js';
import { RedisStore } from '../../src/redis/index.js';
import { kvCounter } from '../support/components.js';
import { testRedis, uniquePrefix } from '../support/redis.js';

let redis: Awaited<ReturnType<typeof testRedis>>;
beforeAll(async () => void (redis = await testRedis()));
afterAll(() => redis?.close());

async function twoGateways(op: 'incr' | 'cas') {
  const prefix = uniquePrefix(`guest-${op}`);
  const stores = [0, 1].map(() => new RedisStore({ url: redis.url, keyPrefix: prefix, timeoutMs: 5_000 }));
  await Promise.all(stores.map((s) => s.ready()));
  const pipelines = stores.map((kv) => pipeline([kvCounter({ config: { op } })], { kv }));
  return {
    run: (n: number) => Promise.all(Array.from({ length: n }, (_, i) => pipelines[i % 2].inject({ url: '/count' }))),
    close: async () => {
      await Promise.all(pipelines.map((p) => p.close()));
      await Promise.all(stores.map((s) => s.close()));
    },
  };
}

const values = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

it.each([
  ['incr', 200],
  ['cas', 60],
] as const)(
  'gives %s from two pipelines, %i at once, each its own value',
  async (op, n) => {
    const g = await twoGateways(op);
    const answers = await g.run(n);
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 200));
    expect(answers.map((r) => Number(r.text())).sort((a, b) => a - b)).toEqual(values(n));
    await g.close();
  },
  60_000,
);
