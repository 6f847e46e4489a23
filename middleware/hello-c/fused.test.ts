import { expect, it } from 'vitest';
import fc from 'fast-check';
import { transform } from '../../src/middleware/transform.js';
import { expectSameAnswer, injectedRequests, reflectingHandler } from '../../test/support/equivalence.js';
import { helloC, openPipeline } from './support.js';

// A C stage fuses with a bundled (AssemblyScript) stage on either side, and the fused
// segment answers exactly as the same stages per hop.
const chain = () => [
  transform({ request: { setHeaders: { 'x-before': 'as' } }, response: { appendHeaders: { 'x-t': '1' } } }),
  helloC({ config: { greeting: 'fused' } }),
  transform({ response: { json: { set: { via: 'c' } } } }),
];

it('runs fused next to bundled stages and agrees with per hop', async () => {
  const fused = openPipeline(chain(), { handler: reflectingHandler });
  const hop = openPipeline(chain(), { handler: reflectingHandler, fusion: 'off' });
  await Promise.all([fused.ready(), hop.ready()]);
  expect(fused.describe().segments).toEqual([{ mode: 'fused', stages: ['transform', 'hello-c', 'transform'] }]);
  expect(hop.describe().segments.map((s) => s.mode)).toEqual(['per-hop', 'per-hop', 'per-hop']);
  const res = await fused.inject({ url: '/p', remoteAddress: '198.51.100.1' });
  expect(res.headers['x-hello']).toBe('fused');
  expect(res.json()).toMatchObject({ via: 'c', headers: expect.arrayContaining([['x-client-address', '198.51.100.1']]) });
  await fc.assert(
    fc.asyncProperty(injectedRequests(2000), async (r) => {
      const [a, b] = await Promise.all([fused.inject(r), hop.inject(r)]);
      expectSameAnswer(a, b);
    }),
    { seed: 42, numRuns: 200 },
  );
});
