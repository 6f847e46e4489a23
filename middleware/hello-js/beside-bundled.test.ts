import { expect } from 'vitest';
import { transform } from '../../src/middleware/transform.js';
import { reflectingHandler } from '../../test/support/equivalence.js';
import { helloJs, itRuns, openPipeline } from './support.js';

// Next to bundled stages, fused with them into one segment (the codec serves the JS stage),
// in onion order: transform's request rule is seen by hello-js and the handler, and the
// response phases run in reverse.
itRuns('runs between bundled stages, fused with them, in onion order', async () => {
  const p = openPipeline(
    [
      transform({ request: { setHeaders: { 'x-before': 'as' } }, response: { appendHeaders: { 'x-order': 'outer' } } }),
      helloJs({ config: { greeting: 'between' } }),
      transform({ response: { appendHeaders: { 'x-order': 'inner' }, json: { set: { via: 'js' } } } }),
    ],
    { handler: reflectingHandler },
  );
  const res = await p.inject({ url: '/p', remoteAddress: '198.51.100.1' });
  expect(p.describe().segments.map((s) => s.mode)).toEqual(['fused']);
  expect(res.headers['x-hello']).toBe('between');
  expect(res.rawHeaders.filter(([k]) => k === 'x-order').map(([, v]) => v)).toEqual(['inner', 'outer']);
  expect(res.json()).toMatchObject({
    via: 'js',
    headers: expect.arrayContaining([
      ['x-before', 'as'],
      ['x-client-address', '198.51.100.1'],
    ]),
  });
});
