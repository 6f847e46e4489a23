import { afterAll, expect, it } from 'vitest';
import { pipeline } from '../../src/index.js';
import { echo } from '../support/components.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const pool = { minThreads: 1, maxThreads: 1 };

let entered: () => void;
const inHandler = new Promise<void>((resolve) => (entered = resolve));
let release: () => void;
const released = new Promise<void>((resolve) => (release = resolve));

const p = pipeline([echo({ name: 'front', config: { tag: 'f' } }), echo({ name: 'stamp', config: { tag: 'v1' }, pool })], {
  logger: quiet,
  handler: async (req) => {
    if (req.uri === '/held') {
      entered();
      await released;
    }
    return { status: 200 };
  },
});
afterAll(() => p.close());

const pass = { 'x-echo-pass': '1' };
const stamps = (r: { rawHeaders: Array<[string, string]> }) => r.rawHeaders.filter(([k]) => k === 'x-echo').map(([, v]) => v);

it('replacing a pooled stage starts a new pool; a request that entered the old pool finishes its response phase there', async () => {
  await p.ready();
  const held = p.inject({ url: '/held', headers: pass });
  await inHandler;
  await p.replace('stamp', echo({ name: 'stamp', config: { tag: 'v2' }, pool }));
  const after = await p.inject({ url: '/after', headers: pass });
  release();
  const before = await held;
  expect([before.status, after.status]).toEqual([200, 200]);
  expect(stamps(before)).toEqual(['v1', 'f']);
  expect(stamps(after)).toEqual(['v2', 'f']);
  const segments = p.describe().segments;
  expect(segments.map((s) => [s.mode, s.stages])).toEqual([
    ['per-hop', ['front']],
    ['pooled', ['stamp']],
  ]);
  expect(segments[1].pool?.completed).toBe(2); // the new pool ran /after's two phases only
});
