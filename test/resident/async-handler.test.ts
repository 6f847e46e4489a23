import { afterAll, expect, it } from 'vitest';
import { pipeline, type InjectRequest, type WitRequest } from '../../src/index.js';
import { transform } from '../../src/middleware/transform.js';
import { echo } from '../support/components.js';
import { expectSameAnswer, reflectingHandler } from '../support/equivalence.js';

// In a request frame, a fused stage's request stays in its own memory for its response
// phase (segment/kept.ts). A handler that awaits ends the frame with those requests still
// there: the requests that run through the same guests meanwhile must move them out first,
// and the waiting request's response phase must still see what each stage received.
const chain = () => [
  transform({ request: { setHeaders: { 'x-echo-seen': '1', 'x-echo-pass': '1' } } }),
  echo({ config: { tag: 'b' } }), // both phases
  echo({ config: { tag: 'c'.repeat(40) }, phases: ['response'] }), // response phase only
  echo({ config: { tag: 'd'.repeat(90) } }),
];

const open: Array<{ close(): Promise<void> }> = [];
afterAll(() => Promise.all(open.map((p) => p.close())));

it('keeps what each stage received for a request whose handler awaits while others pass', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let entered!: () => void;
  const waiting = new Promise<void>((r) => (entered = r));
  const handler = (req: WitRequest) => {
    if (!req.uri.startsWith('/slow')) return reflectingHandler(req);
    entered();
    return gate.then(() => reflectingHandler(req));
  };
  const fused = pipeline(chain(), { handler, fusion: 'auto' });
  const hop = pipeline(chain(), { handler: reflectingHandler, fusion: 'off' });
  open.push(fused, hop);
  await Promise.all([fused.ready(), hop.ready()]);
  expect(fused.describe().segments).toEqual([{ mode: 'fused', stages: fused.stages.map((s) => s.name) }]);

  const slowRequest: InjectRequest = { method: 'POST', url: '/slow/one', headers: { 'x-id': 'slow-request-1', 'x-pad': 'p'.repeat(300) }, body: 'slow body' };
  const slow = fused.inject(slowRequest);
  await waiting;
  // Others through the same instances meanwhile, each of a different size and content.
  const others: InjectRequest[] = Array.from({ length: 12 }, (_, i) => ({
    url: `/other/${i}`,
    headers: { 'x-id': `other-${i}`.repeat(i + 1), 'x-pad': 'q'.repeat(20 * i) },
    ...(i % 2 ? { method: 'PUT', body: 'x'.repeat(i * 100) } : {}),
  }));
  for (const r of others) expectSameAnswer(await fused.inject(r), await hop.inject(r));
  release();
  const answer = await slow;
  expect(answer.headers['x-echo-seen-b']).toContain('x-id=slow-request-1');
  expectSameAnswer(answer, await hop.inject(slowRequest));
});
