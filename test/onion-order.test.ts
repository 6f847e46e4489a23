import { afterAll, expect, it } from 'vitest';
import { pipeline } from '../src/index.js';
import { echo } from './support/components.js';

const seen: string[][] = [];
const p = pipeline([echo({ config: { tag: 'a' } }), echo({ config: { tag: 'b' } }), echo({ config: { tag: 'c' } })], {
  handler: (req) => {
    seen.push(req.headers.filter(([k]) => k === 'x-echo-trail').map(([, v]) => v));
    return { status: 200, body: 'done' };
  },
});
afterAll(() => p.close());

it('runs the request phase in order and the response phase in reverse', async () => {
  const res = await p.inject({ headers: { 'x-echo-pass': '1' } });
  expect(seen).toEqual([['a', 'b', 'c']]);
  expect(res.rawHeaders.filter(([k]) => k === 'x-echo').map(([, v]) => v)).toEqual(['c', 'b', 'a']);
  expect(res.text()).toBe('done');
});
