import { afterAll, expect, it } from 'vitest';
import { pipeline } from '../src/index.js';
import { echo } from './support/components.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const p = pipeline([echo({ config: { tag: 'a' } }), echo({ config: { tag: 'b', 'trap-on': '/trap' } }), echo({ config: { tag: 'c' } })], {
  logger: quiet,
  handler: (req) => ({ status: 200, body: req.uri }),
});
afterAll(() => p.close());

it('a trap inside a fused segment answers 500, replaces only that instance, and the segment keeps serving', async () => {
  expect(p.describe().segments).toEqual([]);
  await p.ready();
  expect(p.describe().segments).toEqual([{ mode: 'fused', stages: ['echo', 'echo', 'echo'] }]);
  const pass = { 'x-echo-pass': '1' };
  expect((await p.inject({ url: '/ok', headers: pass })).status).toBe(200);
  const trapped = await p.inject({ url: '/trap', headers: pass });
  expect(trapped.status).toBe(500);
  expect(trapped.json()).toMatchObject({ error: 'WITLINE_GUEST_TRAP' });
  expect(p.describe().stages.map((s) => s.replacedInstances)).toEqual([0, 1, 0]);
  // Many requests after: the neighbours were released (their arenas reset), the new instance serves.
  for (let i = 0; i < 200; i++) {
    const res = await p.inject({ url: `/n${i}`, headers: pass });
    expect(res.status).toBe(200);
    expect(res.rawHeaders.filter(([k]) => k === 'x-echo').map(([, v]) => v)).toEqual(['c', 'b', 'a']);
  }
});
