// A pool admits at most maxThreads running + maxQueue waiting requests; past that a
// request is refused at once with 503 WITLINE_POOL_BUSY and `Retry-After`, instead of
// waiting without bound. Sequenced by events: the first request logs once it spins.
import { afterAll, expect, it } from 'vitest';
import { pipeline } from '../../src/index.js';
import { echo } from '../support/components.js';
import { ONE_THREAD, pooledSegment, watchLogs } from './support.js';

const logs = watchLogs();
const p = pipeline([echo({ config: { 'spin-on': '/spin' }, pool: { ...ONE_THREAD, maxQueue: 1 } })], { logger: logs.logger });
afterAll(() => p.close());

it('answers 503 WITLINE_POOL_BUSY with Retry-After at once when the queue is full, and serves again once it drains', async () => {
  await p.ready();
  const seg = pooledSegment(p);
  // One request occupies the only worker (it never finishes on its own)...
  const client = new AbortController();
  const spinning = logs.next('echo: spinning on /spin');
  const running = p.handle({ method: 'GET', uri: '/spin', headers: [] }, { remoteAddress: '127.0.0.1', signal: client.signal });
  await spinning;
  // ...one waits in the queue...
  const queued = p.inject({ url: '/queued' });
  // ...and the next is refused without waiting for either.
  const refused = await p.inject({ url: '/refused' });
  expect(refused.status).toBe(503);
  expect(refused.headers['retry-after']).toBe('1');
  expect(refused.json()).toEqual({ error: 'WITLINE_POOL_BUSY', message: "stage 'echo': the worker pool is busy" });
  expect(seg.counters()).toMatchObject({ busy: 1, running: 1, queued: 1 });

  // The spinning request's client goes away: its worker is replaced and the queue drains.
  client.abort();
  expect((await running).status).toBe(499);
  const served = await queued;
  expect(served.status).toBe(200);
  expect(served.headers['x-echo-uri']).toBe('/queued');
  expect((await p.inject({ url: '/later' })).status).toBe(200);
  expect(seg.counters()).toMatchObject({ busy: 1, cancelled: 1, running: 0, queued: 0 });
});
