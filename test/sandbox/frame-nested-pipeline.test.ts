// A handler behind fused stages runs inside their request frame as a host call, which the
// watchdog never stops halfway. A pipeline that handler calls is guest code again: its
// looping stage is stopped at its own deadline (the native frame reopens host calls for it),
// the inner pipeline answers 503 and the outer request goes on to its own answer.
import { afterAll, expect, it } from 'vitest';
import { pipeline } from '../../src/index.js';
import { echo, hostile } from '../support/components.js';

const inner = pipeline([echo({ name: 'inner-echo', config: { tag: 'inner' } }), hostile({ timeoutMs: 100 })], {
  handler: () => ({ status: 200, body: 'inner' }),
});
const outer = pipeline([echo({ name: 'a', config: { tag: 'a' } }), echo({ name: 'b', config: { tag: 'b' } })], {
  handler: async (req) => {
    const res = await inner.handle({ method: 'GET', uri: req.uri, headers: [['x-echo-pass', '1']] }, { remoteAddress: '127.0.0.1' });
    return { status: 200, headers: [['x-inner-status', String(res.status)]], body: 'outer' };
  },
});
afterAll(async () => {
  await outer.close();
  await inner.close();
});

it('stops a looping stage of a pipeline called from inside another request frame', async () => {
  await Promise.all([inner.ready(), outer.ready()]);
  expect(inner.describe().segments.map((s) => s.mode)).toEqual(['fused']);
  expect(outer.describe().segments.map((s) => s.mode)).toEqual(['fused']);
  const res = await outer.inject({ url: '/loop', headers: { 'x-echo-pass': '1' } });
  expect(res.status).toBe(200);
  expect(res.headers['x-inner-status']).toBe('503');
  expect(res.headers['x-echo']).toBe('b, a');
  expect(inner.describe().stages.map((s) => s.replacedInstances)).toEqual([0, 1]);
  expect(outer.describe().stages.map((s) => s.replacedInstances)).toEqual([0, 0]);
});
