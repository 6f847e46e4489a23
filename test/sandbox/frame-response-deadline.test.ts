// A request through fused stages runs in one watchdog frame, from its first stage's request
// phase through the handler to the last response phase (segment/frame.ts). A stage looping
// in its response phase, after the handler answered, is stopped there: 503 naming it, only
// its instance replaced, the handler called once, the pipeline serving the next request.
import { afterAll, expect, it } from 'vitest';
import { pipeline } from '../../src/index.js';
import { echo, hostile } from '../support/components.js';

let handled = 0;
const p = pipeline(
  [
    echo({ name: 'before', config: { tag: 'before' }, timeoutMs: 5_000 }),
    hostile({ timeoutMs: 100 }),
    echo({ name: 'after', config: { tag: 'after' }, timeoutMs: 5_000 }),
  ],
  {
    handler: () => {
      handled++;
      return { status: 200, body: 'handler' };
    },
  },
);
afterAll(() => p.close());

it('stops a stage looping in its response phase, after the handler answered', async () => {
  await p.ready();
  expect(p.describe().segments.map((s) => s.mode)).toEqual(['fused']);
  const res = await p.inject({ url: '/loop-response', headers: { 'x-echo-pass': '1' } });
  expect(res.status).toBe(503);
  expect(res.json()).toEqual({ error: 'WITLINE_STAGE_TIMEOUT', message: "stage 'hostile' did not finish within 100 ms" });
  expect(handled).toBe(1);
  expect(p.describe().stages.map((s) => s.replacedInstances)).toEqual([0, 1, 0]);
  const next = await p.inject({ url: '/', headers: { 'x-echo-pass': '1', 'x-pass': '1' } });
  expect(next.status).toBe(200);
  expect(next.body.toString()).toBe('handler');
  expect(next.headers['x-echo']).toBe('after, before');
  expect(handled).toBe(2);
});
