// Two real processes share one rate limit exactly: burst B in a shared Redis, 200
// concurrent requests spread over both, and exactly B pass. The suite runs on Node 20
// and Node 26 (.ci/run): the gateways run on this test's runtime, so on Node 20 the
// stage waits for Redis on a worker pool (no JSPI) and on Node 26 it suspends in-thread;
// describe() must say which.
//
// Why exactly B, whatever the interleaving: the bundled limiter reads the bucket and
// writes it back by compare-and-swap, retrying 8 times before answering 429 for
// contention. No refill happens, so at most B swaps take a token. A request that loses
// 8 swaps lost each to a swap that won within that attempt, and its attempts do not
// overlap: 8 distinct winning swaps. So with B <= 8 either no request gave up (each one
// passed or found the bucket empty: B pass) or 8 >= B swaps won: B pass.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testRedis, uniquePrefix } from '../support/redis.js';

const JSPI = typeof (WebAssembly as { Suspending?: unknown }).Suspending === 'function';
const BURST = 8;

let redis: Awaited<ReturnType<typeof testRedis>>;
beforeAll(async () => void (redis = await testRedis()));
afterAll(() => redis?.close());

function gateway(url: string, prefix: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('support/limit-gateway.ts', import.meta.url).pathname, url, prefix, String(BURST)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return { child, next: async () => JSON.parse((await lines.next()).value as string) };
}

it(`lets exactly ${BURST} of 200 concurrent requests over 2 processes through one shared limit`, async () => {
  const prefix = uniquePrefix('shared-limit');
  const gateways = [gateway(redis.url, prefix), gateway(redis.url, prefix)];
  const started = await Promise.all(gateways.map((g) => g.next()));
  for (const { stage } of started) {
    if (JSPI) expect(stage).toMatchObject({ mode: 'per-hop', placement: 'main', placementReason: 'async-kv-jspi', suspends: true });
    else expect(stage).toMatchObject({ mode: 'pooled', placement: 'pool', placementReason: 'async-kv-without-jspi', suspends: false });
  }

  const statuses = await Promise.all(
    Array.from({ length: 200 }, async (_, i) => {
      const res = await fetch(started[i % 2].url + '/');
      await res.arrayBuffer();
      return res.status;
    }),
  );
  expect(statuses.filter((s) => s === 200)).toHaveLength(BURST);
  expect(statuses.filter((s) => s === 429)).toHaveLength(200 - BURST);

  // Both processes served from the store, and it never failed.
  for (const g of gateways) g.child.stdin.write('stats\n');
  const stats = await Promise.all(gateways.map((g) => g.next()));
  for (const s of stats) expect(s).toMatchObject({ connected: true, failures: 0 });
  for (const s of stats) expect(s.operations).toBeGreaterThanOrEqual(100);
  for (const g of gateways) g.child.stdin.write('exit\n');
  await Promise.all(gateways.map((g) => (g.child.exitCode === null ? once(g.child, 'exit') : undefined)));
}, 60_000);
