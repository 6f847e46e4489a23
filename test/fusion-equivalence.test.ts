import { afterAll, expect, it } from 'vitest';
import fc from 'fast-check';
import { pipeline, type Stage } from '../src/index.js';
import { transform } from '../src/middleware/transform.js';
import { echo } from './support/components.js';
import { expectSameAnswer, injectedRequests, reflectingHandler } from './support/equivalence.js';

// The same chains, fused and per hop, must answer every request identically:
// pass-through, short-circuits at each depth, response-phase rewrites included.
const chains: Record<string, () => Stage[]> = {
  'three echoes': () => [echo({ config: { tag: 'a' } }), echo({ config: { tag: 'b' } }), echo({ config: { tag: 'c' } })],
  'echo, transform that ends the pass, echo': () => [
    echo({ config: { tag: 'a' } }),
    transform({
      request: { removeHeaders: ['x-echo-pass'], setHeaders: { 'x-mid': 'yes' } },
      response: { appendHeaders: { 'x-t': '1' }, json: { set: { 'meta.via': 'fused?' } } },
    }),
    echo({ config: { tag: 'c' } }),
  ],
  // Each echo reports the request its response phase was given: kept as the stage entered
  // it (b, both phases) or as the previous stage passed it on (c, a response phase only).
  'echoes that report what their response phase received': () => [
    transform({ request: { setHeaders: { 'x-echo-seen': '1', 'x-echo-pass': '1' } } }),
    // Tags of different lengths: each guest's arena starts elsewhere, so a kept request moves.
    echo({ config: { tag: 'b' } }),
    echo({ config: { tag: 'c'.repeat(40) }, phases: ['response'] }),
    echo({ config: { tag: 'd'.repeat(90) } }),
  ],
  // Stages that replace a header in their request phase (the SDK copies a lowered header list
  // on its first change): each response phase must still see the header as it arrived. The
  // trail comes first, so that a removal written into the lowered list would move the rest.
  'echoes that replace a header their response phase reports': () => [
    transform({ request: { setHeaders: { 'x-echo-trail': 'client', 'x-echo-seen': '1', 'x-echo-pass': '1' } } }),
    echo({ config: { tag: 'b', trail: 'set' } }),
    echo({ config: { tag: 'd'.repeat(90), trail: 'set' } }),
  ],
  'transforms around an echo': () => [
    transform({ request: { rewritePath: { from: '/a/', to: '/b/' } }, response: { renameHeaders: { 'x-echo': 'x-renamed' } } }),
    echo({ config: { tag: 'm' } }),
    transform({ response: { json: { set: { seen: true } } } }),
  ],
};

const open: Array<{ close(): Promise<void> }> = [];
afterAll(() => Promise.all(open.map((p) => p.close())));

const request = injectedRequests(2000);

for (const [name, make] of Object.entries(chains)) {
  it(`fused and per-hop agree: ${name}`, async () => {
    const fused = pipeline(make(), { handler: reflectingHandler, fusion: 'auto' });
    const hop = pipeline(make(), { handler: reflectingHandler, fusion: 'off' });
    open.push(fused, hop);
    await Promise.all([fused.ready(), hop.ready()]);
    expect(fused.describe().segments).toEqual([{ mode: 'fused', stages: fused.stages.map((s) => s.name) }]);
    expect(hop.describe().segments.every((s) => s.mode === 'per-hop')).toBe(true);
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const [a, b] = await Promise.all([fused.inject(r), hop.inject(r)]);
        expectSameAnswer(a, b);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
}
