// A pooled stage that runs past `timeoutMs` is stopped: its worker is terminated (the only
// way to stop a running Wasm call) and replaced; the request gets 503 with a stable code,
// and the next request is served by the replacement.
import { afterAll, expect, it } from 'vitest';
import { pipeline, type Pipeline } from '../../src/index.js';
import { echo } from '../support/components.js';
import { ONE_THREAD, pooledSegment, watchLogs } from './support.js';

const open: Pipeline[] = [];
afterAll(() => Promise.all(open.map((p) => p.close())));

// A pipeline per test, so that each test's counters start at zero whatever ran before it.
async function start() {
  const logs = watchLogs();
  const p = pipeline([echo({ config: { 'spin-on': '/spin' }, pool: { ...ONE_THREAD, timeoutMs: 150 } })], { logger: logs.logger });
  open.push(p);
  await p.ready();
  return { p, logs, seg: pooledSegment(p) };
}

it('answers 503 WITLINE_STAGE_TIMEOUT, replaces the worker, and serves the next request', async () => {
  const { p, logs, seg } = await start();
  const first = seg.threads[0].threadId;
  const res = await p.inject({ url: '/spin' });
  expect(res.status).toBe(503);
  expect(res.json()).toEqual({ error: 'WITLINE_STAGE_TIMEOUT', message: "stage 'echo' did not finish within 150 ms" });
  expect(logs.lines).toContain('echo: spinning on /spin');
  expect(seg.counters()).toMatchObject({ timeouts: 1, cancelled: 0, crashed: 0, running: 0, queued: 0 });

  const next = await p.inject({ url: '/after' });
  expect(next.status).toBe(200);
  expect(next.headers['x-echo-uri']).toBe('/after');
  expect(seg.threads.map((t) => t.threadId)).not.toContain(first);
  expect(p.describe().segments[0].pool).toMatchObject({ timeouts: 1, completed: 1 });
});

it('counts the timeout from when a worker starts the task, not while it waits in the queue', async () => {
  const { p, logs, seg } = await start();
  const spinning = logs.next('echo: spinning on /spin');
  const slow = p.inject({ url: '/spin' });
  await spinning;
  // Queued behind the spinning task: it waits its 150 ms out, then a replacement worker's
  // start-up, far longer than 150 ms in all, yet it gets its full budget once it runs.
  const queued = p.inject({ url: '/queued' });
  expect((await slow).status).toBe(503);
  const res = await queued;
  expect(res.status).toBe(200);
  expect(res.headers['x-echo-uri']).toBe('/queued');
  expect(seg.counters()).toMatchObject({ timeouts: 1 });
});
