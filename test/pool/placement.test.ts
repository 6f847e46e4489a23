// Planning: adjacent pooled stages with the same pool options share one pool and run
// fused in a worker; describe() shows where every stage and segment runs.
import { afterAll, expect, it } from 'vitest';
import { InvalidConfigError, pipeline, type Pipeline } from '../../src/index.js';
import { echo } from '../support/components.js';
import { ONE_THREAD } from './support.js';

const open: Pipeline[] = [];
afterAll(() => Promise.all(open.map((p) => p.close())));
const pool = ONE_THREAD;
const chain = () => [
  echo({ name: 'm1' }),
  echo({ name: 'p1', pool }),
  echo({ name: 'p2', pool }),
  echo({ name: 'p3', pool: { ...pool, timeoutMs: 500 } }),
  echo({ name: 'm2' }),
];

it('groups adjacent pooled stages with equal options into one pooled segment', async () => {
  const p = pipeline(chain(), { handler: (req) => ({ status: 200, body: req.uri }) });
  open.push(p);
  // Before loading, each stage already says where it will run.
  expect(p.describe().stages.map((s) => [s.name, s.mode, s.placement])).toEqual([
    ['m1', 'per-hop', 'main'],
    ['p1', 'pooled', 'pool'],
    ['p2', 'pooled', 'pool'],
    ['p3', 'pooled', 'pool'],
    ['m2', 'per-hop', 'main'],
  ]);
  await p.ready();
  const d = p.describe();
  expect(d.segments.map(({ mode, stages }) => ({ mode, stages }))).toEqual([
    { mode: 'per-hop', stages: ['m1'] },
    { mode: 'pooled', stages: ['p1', 'p2'] },
    { mode: 'pooled', stages: ['p3'] },
    { mode: 'per-hop', stages: ['m2'] },
  ]);
  expect(d.segments[1].pool).toMatchObject({ minThreads: 1, maxThreads: 1, maxQueue: 64, timeoutMs: 1_000, threads: 1 });
  expect(d.segments[2].pool).toMatchObject({ timeoutMs: 500 });
  expect(d.segments[0].pool).toBeUndefined();
  expect(d.stages.map((s) => s.instantiation)).toEqual(['direct', 'direct', 'direct', 'direct', 'direct']);

  // The onion is the same wherever the stages run.
  const res = await p.inject({ url: '/x', headers: { 'x-echo-pass': '1' } });
  expect(res.status).toBe(200);
  expect(res.text()).toBe('/x');
  expect(res.rawHeaders.filter(([k]) => k === 'x-echo').map(([, v]) => v)).toEqual(['echo', 'echo', 'echo', 'echo', 'echo']);
});

it('gives every pooled stage its own pool with fusion off', async () => {
  const p = pipeline(chain(), { fusion: 'off' });
  open.push(p);
  await p.ready();
  expect(p.describe().segments.map((s) => [s.mode, s.stages.join()])).toEqual([
    ['per-hop', 'm1'],
    ['pooled', 'p1'],
    ['pooled', 'p2'],
    ['pooled', 'p3'],
    ['per-hop', 'm2'],
  ]);
});

it('refuses bad pool options when the stage is declared, and a pooled stage on jco bindings at load', async () => {
  expect(() => echo({ pool: { maxThreads: 0 } })).toThrow(InvalidConfigError);
  expect(() => echo({ pool: { minThreads: 3, maxThreads: 2 } })).toThrow(/minThreads/);
  expect(() => echo({ pool: { threads: 2 } as never })).toThrow(/unknown option 'threads'/);
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const p = pipeline([echo({ pool })], { binding: 'jco', logger: quiet });
  open.push(p);
  await expect(p.ready()).rejects.toThrow(/cannot be pooled/);
});
