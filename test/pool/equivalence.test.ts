// Pooled and in-thread placements of the same chain must answer every request the same:
// pass-through, short-circuits at each depth, request and response rewrites, bodies.
import { afterAll, expect, it } from 'vitest';
import fc from 'fast-check';
import { pipeline, stage, type Stage } from '../../src/index.js';
import { transform } from '../../src/middleware/transform.js';
import { echo } from '../support/components.js';
import { expectSameAnswer, injectedRequests, reflectingHandler } from '../support/equivalence.js';

const pool = { minThreads: 1, maxThreads: 2 };
const pooled = (s: Stage, on: boolean) => (on ? stage({ ...s, pool }) : s);
const chains: Record<string, (on: boolean) => Stage[]> = {
  'three echoes, all pooled': (on) =>
    [echo({ config: { tag: 'a' } }), echo({ config: { tag: 'b' } }), echo({ config: { tag: 'c' } })].map((s) => pooled(s, on)),
  'echo on main, transform pooled, echo on main': (on) => [
    echo({ config: { tag: 'a' } }),
    pooled(
      transform({
        request: { removeHeaders: ['x-echo-pass'], setHeaders: { 'x-mid': 'yes' } },
        response: { appendHeaders: { 'x-t': '1' }, json: { set: { 'meta.via': 'pool?' } } },
      }),
      on,
    ),
    echo({ config: { tag: 'c' } }),
  ],
  'pooled transforms around an echo on main': (on) => [
    pooled(transform({ request: { rewritePath: { from: '/a/', to: '/b/' } }, response: { renameHeaders: { 'x-echo': 'x-renamed' } } }), on),
    echo({ config: { tag: 'm' } }),
    pooled(transform({ response: { json: { set: { seen: true } } } }), on),
  ],
};

const open: Array<{ close(): Promise<void> }> = [];
afterAll(() => Promise.all(open.map((p) => p.close())));

const request = injectedRequests(3000);

for (const [name, make] of Object.entries(chains)) {
  it(`pooled and in-thread agree: ${name}`, async () => {
    const onPool = pipeline(make(true), { handler: reflectingHandler });
    const onMain = pipeline(make(false), { handler: reflectingHandler });
    open.push(onPool, onMain);
    await Promise.all([onPool.ready(), onMain.ready()]);
    expect(onPool.describe().segments.some((s) => s.mode === 'pooled')).toBe(true);
    expect(onMain.describe().stages.every((s) => s.placement === 'main')).toBe(true);
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const [a, b] = await Promise.all([onPool.inject(r), onMain.inject(r)]);
        expectSameAnswer(a, b);
      }),
      { seed: 42, numRuns: 150 },
    );
  });
}
