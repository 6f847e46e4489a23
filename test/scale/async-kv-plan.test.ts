// How a pipeline on an asynchronous store (RedisStore) is planned: only the stages that
// import kv wait for it; each is its own segment (suspended per hop on JSPI, pooled
// without it) and the stages around it still fuse. The same stages on a MemoryStore fuse
// into one segment.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pipeline } from '../../src/index.js';
import { rateLimit, transform } from '../../src/middleware/index.js';
import { RedisStore } from '../../src/redis/index.js';
import { testRedis, uniquePrefix } from '../support/redis.js';

const JSPI = typeof (WebAssembly as { Suspending?: unknown }).Suspending === 'function';

let redis: Awaited<ReturnType<typeof testRedis>>;
beforeAll(async () => void (redis = await testRedis()));
afterAll(() => redis?.close());

const stages = () => [
  transform({ response: { setHeaders: { 'x-a': '1' } } }),
  transform({ response: { setHeaders: { 'x-b': '1' } } }),
  rateLimit({ burst: 100, perSecond: 1 }),
  transform({ response: { setHeaders: { 'x-c': '1' } } }),
  transform({ response: { setHeaders: { 'x-d': '1' } } }),
];
const handler = () => ({ status: 200, body: 'ok' });

it('puts only the kv stage apart, and answers as the same stages on a MemoryStore do', async () => {
  const kv = new RedisStore({ url: redis.url, keyPrefix: uniquePrefix('plan'), timeoutMs: 2_000 });
  await kv.ready();
  const onRedis = pipeline(stages(), { kv, handler });
  const inMemory = pipeline(stages(), { handler });
  await Promise.all([onRedis.ready(), inMemory.ready()]);

  const middle = JSPI ? 'per-hop' : 'pooled';
  expect(onRedis.describe().segments.map((s) => [s.mode, s.stages.length])).toEqual([
    ['fused', 2],
    [middle, 1],
    ['fused', 2],
  ]);
  expect(onRedis.describe().stages.map((s) => s.placementReason)).toEqual([
    undefined,
    undefined,
    JSPI ? 'async-kv-jspi' : 'async-kv-without-jspi',
    undefined,
    undefined,
  ]);
  expect(inMemory.describe().segments.map((s) => [s.mode, s.stages.length])).toEqual([['fused', 5]]);
  expect(inMemory.describe().stages.every((s) => !s.suspends && s.placementReason === undefined)).toBe(true);

  const [a, b] = [await onRedis.inject({ url: '/' }), await inMemory.inject({ url: '/' })];
  expect(a.status).toBe(200);
  expect(a.rawHeaders).toEqual(b.rawHeaders);
  expect(a.text()).toBe(b.text());
  await Promise.all([onRedis.close(), inMemory.close()]);
  await kv.close();
}, 30_000);
