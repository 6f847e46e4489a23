// A guest that traps inside a worker is handled as on the main thread: 500
// WITLINE_GUEST_TRAP, and only that stage's instance in that worker is replaced; the
// worker itself keeps running, and the fused neighbours keep serving.
import { afterAll, expect, it } from 'vitest';
import { pipeline } from '../../src/index.js';
import { echo } from '../support/components.js';
import { ONE_THREAD, pooledSegment, watchLogs } from './support.js';

const logs = watchLogs();
const pool = ONE_THREAD;
const p = pipeline([echo({ config: { tag: 'a' }, pool }), echo({ config: { tag: 'b', 'trap-on': '/trap' }, pool }), echo({ config: { tag: 'c' }, pool })], {
  logger: logs.logger,
  handler: (req) => ({ status: 200, body: req.uri }),
});
afterAll(() => p.close());

it('answers 500 WITLINE_GUEST_TRAP, replaces only the trapping instance, and keeps the worker', async () => {
  await p.ready();
  const seg = pooledSegment(p);
  const worker = seg.threads[0].threadId;
  const pass = { 'x-echo-pass': '1' };
  expect((await p.inject({ url: '/ok', headers: pass })).status).toBe(200);

  const trapped = await p.inject({ url: '/trap', headers: pass });
  expect(trapped.status).toBe(500);
  expect(trapped.json()).toMatchObject({ error: 'WITLINE_GUEST_TRAP' });
  expect(trapped.json<{ message: string }>().message).toMatch(/^stage 'echo' trapped/);
  expect(p.describe().stages.map((s) => s.replacedInstances)).toEqual([0, 1, 0]);
  expect(logs.lines.some((l) => l.includes("'echo' trapped"))).toBe(true);

  for (let i = 0; i < 50; i++) {
    const res = await p.inject({ url: `/n${i}`, headers: pass });
    expect(res.status).toBe(200);
    expect(res.rawHeaders.filter(([k]) => k === 'x-echo').map(([, v]) => v)).toEqual(['c', 'b', 'a']);
  }
  expect(seg.threads.map((t) => t.threadId)).toEqual([worker]);
  expect(seg.counters()).toMatchObject({ crashed: 0, timeouts: 0 });
});
