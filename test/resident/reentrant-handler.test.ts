import { afterAll, expect, it } from 'vitest';
import { pipeline, type InjectRequest, type InjectResponse, type WitRequest } from '../../src/index.js';
import { transform } from '../../src/middleware/transform.js';
import { echo } from '../support/components.js';
import { expectSameAnswer, reflectingHandler } from '../support/equivalence.js';

// A synchronous handler that calls its own pipeline runs a second course through the same
// guests while the first one's requests lie in their memories for its response phase
// (segment/kept.ts): the inner course must move them out before it enters, and both
// requests must get the answers they would get one after the other.
const chain = () => [
  transform({ request: { setHeaders: { 'x-echo-seen': '1', 'x-echo-pass': '1' } } }),
  echo({ config: { tag: 'b' } }),
  echo({ config: { tag: 'c' }, phases: ['response'] }),
  echo({ config: { tag: 'd' } }),
];

const open: Array<{ close(): Promise<void> }> = [];
afterAll(() => Promise.all(open.map((p) => p.close())));

it('answers a request and the one its handler sends through the same pipeline as if run apart', async () => {
  const innerRequest: InjectRequest = { url: '/inner', headers: { 'x-id': 'the-inner-request', 'x-pad': 'i'.repeat(64) } };
  const outerRequest: InjectRequest = { method: 'POST', url: '/outer', headers: { 'x-id': 'outer' }, body: 'outer body' };
  let inner: Promise<InjectResponse> | undefined;
  const fused = pipeline(chain(), {
    fusion: 'auto',
    handler: (req: WitRequest) => {
      // Synchronous: the inner request's whole course runs before this handler returns.
      if (req.uri === '/outer') inner = fused.inject(innerRequest);
      return reflectingHandler(req);
    },
  });
  const hop = pipeline(chain(), { handler: reflectingHandler, fusion: 'off' });
  open.push(fused, hop);
  await Promise.all([fused.ready(), hop.ready()]);
  expect(fused.describe().segments).toEqual([{ mode: 'fused', stages: fused.stages.map((s) => s.name) }]);

  const outer = await fused.inject(outerRequest);
  expect(inner).toBeDefined();
  expect(outer.headers['x-echo-seen-b']).toContain('x-id=outer');
  expectSameAnswer(outer, await hop.inject(outerRequest));
  expectSameAnswer(await inner!, await hop.inject(innerRequest));
});
