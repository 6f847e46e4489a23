// A worker thread that dies mid-task (as after process.exit() or a fatal error inside
// it; here it is terminated from outside, which ends it the same way, with exit code 1)
// gives its in-flight request a 5xx; the pool starts a replacement, requests waiting in
// the queue are served by it, and the process keeps serving.
import { afterAll, expect, it } from 'vitest';
import { pipeline } from '../../src/index.js';
import { echo } from '../support/components.js';
import { ONE_THREAD, pooledSegment, watchLogs } from './support.js';

const logs = watchLogs();
const p = pipeline([echo({ config: { 'spin-on': '/spin' }, pool: ONE_THREAD })], { logger: logs.logger });
afterAll(() => p.close());

it('answers the in-flight request 500 WITLINE_WORKER_EXITED and recovers', async () => {
  await p.ready();
  const seg = pooledSegment(p);
  const [worker] = seg.threads;
  const spinning = logs.next('echo: spinning on /spin');
  const inFlight = p.inject({ url: '/spin' });
  await spinning;
  const queued = p.inject({ url: '/queued' });

  await worker.terminate();
  const failed = await inFlight;
  expect(failed.status).toBe(500);
  expect(failed.json()).toMatchObject({ error: 'WITLINE_WORKER_EXITED' });
  expect(failed.json<{ message: string }>().message).toMatch(/^the worker running stage 'echo' exited/);
  expect(logs.lines).toContain("the worker running stage 'echo' exited: worker exited with code: 1");

  const served = await queued;
  expect(served.status).toBe(200);
  expect(served.headers['x-echo-uri']).toBe('/queued');
  const again = await Promise.all([p.inject({ url: '/a' }), p.inject({ url: '/b' })]);
  expect(again.map((r) => r.status)).toEqual([200, 200]);
  expect(seg.counters()).toMatchObject({ crashed: 1, timeouts: 0, cancelled: 0, threads: 1 });
  expect(seg.threads[0].threadId).not.toBe(worker.threadId);
});
