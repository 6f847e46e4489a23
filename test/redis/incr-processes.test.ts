// `incr` is atomic across processes: two processes increment one counter 500 times each,
// at the same time, and every increment gets its own value: exactly 1..1000.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisStore } from '../../src/redis/index.js';
import { testRedis, uniquePrefix } from '../support/redis.js';

let redis: Awaited<ReturnType<typeof testRedis>>;
beforeAll(async () => void (redis = await testRedis()));
afterAll(() => redis?.close());

function worker(url: string, prefix: string, count: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('support/incr-worker.ts', import.meta.url).pathname, url, prefix, String(count)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    child,
    next: async () => (await lines.next()).value as string,
  };
}

it('gives 2 processes × 500 concurrent increments exactly the values 1..1000', async () => {
  const prefix = uniquePrefix('incr-processes');
  const workers = [worker(redis.url, prefix, 500), worker(redis.url, prefix, 500)];
  for (const w of workers) expect(await w.next()).toBe('ready');
  for (const w of workers) w.child.stdin.write('go\n');
  const returned = (await Promise.all(workers.map(async (w) => JSON.parse(await w.next()) as string[]))).flat().map(BigInt);
  await Promise.all(workers.map((w) => (w.child.exitCode === null ? once(w.child, 'exit') : undefined)));

  expect(returned.sort((a, b) => (a < b ? -1 : 1))).toEqual(Array.from({ length: 1000 }, (_, i) => BigInt(i + 1)));
  const store = new RedisStore({ url: redis.url, keyPrefix: prefix, timeoutMs: 2_000 });
  await store.ready();
  expect(await store.incr('hits', 0n, 0)).toBe(1000n);
  await store.close();
}, 60_000);
