import { afterAll, expect, it } from 'vitest';
import { pipeline } from '../src/index.js';
import { echo } from './support/components.js';
import { transform } from '../src/middleware/index.js';

let handled = 0;
// The transform in the middle removes x-echo-pass, so the third stage (echo) answers.
const p = pipeline([echo({ config: { tag: 'a' } }), transform({ request: { removeHeaders: ['x-echo-pass'] } }), echo({ config: { tag: 'c' } })], {
  handler: () => ({ status: 200, body: String(++handled) }),
});
afterAll(() => p.close());

it('a stage deep in the chain short-circuits; stages before it run their response phase', async () => {
  const res = await p.inject({ url: '/deep', headers: { 'x-echo-pass': '1' } });
  expect(handled).toBe(0);
  expect(res.headers['x-echo-uri']).toBe('/deep');
  expect(res.headers['x-echo-h-x-echo-trail']).toBe('a'); // c saw the request a passed on
  expect(res.rawHeaders.filter(([k]) => k === 'x-echo').map(([, v]) => v)).toEqual(['a']);
});
