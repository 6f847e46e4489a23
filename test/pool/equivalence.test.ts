// Pooled and in-thread placements of the same chain must answer every request the same:
// pass-through, short-circuits at each depth, request and response rewrites, bodies.
import { afterAll, expect, it } from 'vitest';
import fc from 'fast-check';
import { pipeline, stage, type Stage } from '../../src/index.js';
import { transform } from '../../src/middleware/transform.js';
import { echo } from '../support/components.js';
import { fieldValue, httpHeaders, httpPath, token } from '../support/arbitraries.js';

const pool = { minThreads: 1, maxThreads: 2 };
const pooled = (s: Stage, on: boolean) => (on ? stage({ ...s, pool }) : s);
const chains: Record<string, (on: boolean) => Stage[]> = {
  'three echoes, all pooled': (on) => [echo({ config: { tag: 'a' } }), echo({ config: { tag: 'b' } }), echo({ config: { tag: 'c' } })].map((s) => pooled(s, on)),
  'echo on main, transform pooled, echo on main': (on) => [
    echo({ config: { tag: 'a' } }),
    pooled(transform({ request: { removeHeaders: ['x-echo-pass'], setHeaders: { 'x-mid': 'yes' } }, response: { appendHeaders: { 'x-t': '1' }, json: { set: { 'meta.via': 'pool?' } } } }), on),
    echo({ config: { tag: 'c' } }),
  ],
  'pooled transforms around an echo on main': (on) => [
    pooled(transform({ request: { rewritePath: { from: '/a/', to: '/b/' } }, response: { renameHeaders: { 'x-echo': 'x-renamed' } } }), on),
    echo({ config: { tag: 'm' } }),
    pooled(transform({ response: { json: { set: { seen: true } } } }), on),
  ],
};

const handler = (req: { method: string; uri: string; headers: Array<[string, string]>; body?: Uint8Array }) => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ method: req.method, uri: req.uri, headers: req.headers, body: req.body ? Buffer.from(req.body).toString('base64') : null }),
});

const open: Array<{ close(): Promise<void> }> = [];
afterAll(() => Promise.all(open.map((p) => p.close())));

const request = fc.record({
  method: token.map((t) => t.toUpperCase()),
  url: fc.tuple(httpPath, fc.boolean(), fc.option(fieldValue.map(encodeURIComponent), { nil: undefined })).map(([p, a, q]) => (a ? '/a' : '') + p + (q ? `?q=${q}` : '')),
  headers: fc.tuple(httpHeaders, fc.boolean()).map(([h, pass]) => (pass ? [...h, ['x-echo-pass', '1'] as [string, string]] : h)),
  body: fc.option(fc.uint8Array({ maxLength: 3000 }), { nil: undefined }),
});

for (const [name, make] of Object.entries(chains)) {
  it(`pooled and in-thread agree: ${name}`, async () => {
    const onPool = pipeline(make(true), { handler });
    const onMain = pipeline(make(false), { handler });
    open.push(onPool, onMain);
    await Promise.all([onPool.ready(), onMain.ready()]);
    expect(onPool.describe().segments.some((s) => s.mode === 'pooled')).toBe(true);
    expect(onMain.describe().stages.every((s) => s.placement === 'main')).toBe(true);
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const [a, b] = await Promise.all([onPool.inject(r), onMain.inject(r)]);
        expect(a.status).toBe(b.status);
        expect(a.rawHeaders).toEqual(b.rawHeaders);
        expect(a.body.equals(b.body)).toBe(true);
      }),
      { numRuns: 150, interruptAfterTimeLimit: 5_000 },
    );
  });
}
