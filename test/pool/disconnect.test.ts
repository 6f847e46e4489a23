// A client that disconnects cancels its pooled work, on a real socket: a task still in
// the queue is dropped (no worker touched); a running one has its worker terminated and
// replaced. Nothing is left running for a client that is gone.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { request, type ClientRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from '../../src/index.js';
import { echo } from '../support/components.js';
import { ONE_THREAD, pooledSegment, until, watchLogs } from './support.js';

const logs = watchLogs();
const p = pipeline([echo({ config: { 'spin-on': '/spin' }, pool: ONE_THREAD })], { logger: logs.logger });
let port = 0;
beforeAll(async () => {
  const server = await p.listen({ port: 0, host: '127.0.0.1' });
  port = (server.address() as AddressInfo).port;
});
afterAll(() => p.close());

/** Start a request whose answer is never read; the test destroys it to disconnect. */
function send(path: string): ClientRequest {
  const req = request({ host: '127.0.0.1', port, path, agent: false });
  req.on('error', () => {}); // ECONNRESET when destroyed: expected
  req.end();
  return req;
}

it('cancels a queued task, then a running one (replacing its worker), and keeps serving', async () => {
  const seg = pooledSegment(p);
  const worker = seg.threads[0].threadId;
  const spinning = logs.next('echo: spinning on /spin');
  const running = send('/spin');
  await spinning;
  const waiting = send('/waiting');
  await until(() => seg.counters().queued === 1);

  waiting.destroy();
  await until(() => seg.counters().cancelled === 1);
  expect(seg.counters()).toMatchObject({ queued: 0, running: 1 });
  expect(seg.threads.map((t) => t.threadId)).toEqual([worker]); // the queued task never reached a worker

  running.destroy();
  await until(() => seg.counters().cancelled === 2);
  expect(seg.counters()).toMatchObject({ queued: 0, running: 0, timeouts: 0, crashed: 0 });

  // The only worker was stopped: the next request can only be answered by its replacement.
  const res = await fetch(`http://127.0.0.1:${port}/after`);
  expect(res.status).toBe(200);
  expect(res.headers.get('x-echo-uri')).toBe('/after');
  expect(seg.threads.map((t) => t.threadId)).not.toContain(worker);
});
