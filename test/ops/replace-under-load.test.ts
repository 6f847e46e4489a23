import { afterAll, expect, it } from 'vitest';
import { pipeline } from '../../src/index.js';
import { echo } from '../support/components.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const IN_FLIGHT = 200;

// The handler holds the first IN_FLIGHT requests until the replace is done, so they are
// in flight across it: request phase on the old stage, response phase still to come.
let entered = 0;
let allEntered: () => void;
const everyoneIn = new Promise<void>((resolve) => (allEntered = resolve));
let release: () => void;
const released = new Promise<void>((resolve) => (release = resolve));

const p = pipeline([echo({ name: 'first', config: { tag: 'a' } }), echo({ name: 'stamp', config: { tag: 'v1' } })], {
  logger: quiet,
  handler: async (req) => {
    if (req.uri.startsWith('/held/')) {
      if (++entered === IN_FLIGHT) allEntered();
      await released;
    }
    return { status: 200, body: req.uri };
  },
});
afterAll(() => p.close());

const pass = { 'x-echo-pass': '1' };
const stamps = (r: { rawHeaders: Array<[string, string]> }) => r.rawHeaders.filter(([k]) => k === 'x-echo').map(([, v]) => v);

it('replace swaps a stage under 200 requests in flight: none fails, those before answer from the old stage, those after from the new', async () => {
  await p.ready();
  const held = Array.from({ length: IN_FLIGHT }, (_, i) => p.inject({ url: `/held/${i}`, headers: pass }));
  await everyoneIn;

  await p.replace('stamp', echo({ name: 'stamp', config: { tag: 'v2' } }));
  const after = await Promise.all(Array.from({ length: IN_FLIGHT }, (_, i) => p.inject({ url: `/after/${i}`, headers: pass })));
  release();
  const before = await Promise.all(held);

  for (const r of [...before, ...after]) expect(r.status).toBe(200);
  // The response phase runs in reverse: the stamp stage first, then `first`.
  expect(new Set(before.map((r) => stamps(r).join()))).toEqual(new Set(['v1,a']));
  expect(new Set(after.map((r) => stamps(r).join()))).toEqual(new Set(['v2,a']));
  expect(p.describe().segments).toEqual([{ mode: 'fused', stages: ['first', 'stamp'] }]);
});
