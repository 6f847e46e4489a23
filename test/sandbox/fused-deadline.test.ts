// Inside a fused segment each stage has its own deadline, and the one that runs past it is
// blamed: 503 naming it, only its instance replaced, the segment serving the next request.
import { afterAll, expect, it } from 'vitest';
import { pipeline } from '../../src/index.js';
import { echo, hostile } from '../support/components.js';

const p = pipeline(
  [
    echo({ name: 'before', config: { tag: 'before' }, timeoutMs: 5_000 }),
    hostile({ timeoutMs: 100 }),
    echo({ name: 'after', config: { tag: 'after' }, timeoutMs: 5_000 }),
  ],
  {
    handler: () => ({ status: 200, body: 'handler' }),
  },
);
afterAll(() => p.close());

it('blames the stage past its deadline', async () => {
  await p.ready();
  expect(p.describe().segments.map((s) => s.mode)).toEqual(['fused']);
  const res = await p.inject({ url: '/loop', headers: { 'x-echo-pass': '1' } });
  expect(res.status).toBe(503);
  expect(res.json()).toEqual({ error: 'WITLINE_STAGE_TIMEOUT', message: "stage 'hostile' did not finish within 100 ms" });
  expect(p.describe().stages.map((s) => s.replacedInstances)).toEqual([0, 1, 0]);
  const next = await p.inject({ url: '/', headers: { 'x-echo-pass': '1', 'x-pass': '1' } });
  expect(next.status).toBe(200);
  expect(next.body.toString()).toBe('handler');
  expect(next.headers['x-echo']).toBe('after, before');
});
