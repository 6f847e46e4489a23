import { afterAll, expect, it } from 'vitest';
import { pipeline } from '../src/index.js';
import { echo } from './support/components.js';

let handled = 0;
const p = pipeline([echo({ config: { tag: 'a' } }), echo({ config: { tag: 'b' } }), echo({ config: { tag: 'c' } })], {
  handler: () => {
    handled++;
    return { status: 200 };
  },
});
afterAll(() => p.close());

it('a respond skips later stages and the handler; earlier stages still see the response', async () => {
  // Without x-echo-pass the first stage answers at once.
  const res = await p.inject({ url: '/first' });
  expect(res.status).toBe(200);
  expect(res.headers['x-echo-uri']).toBe('/first');
  expect(res.headers['x-echo']).toBeUndefined(); // the responder's own response phase is not run
  expect(handled).toBe(0);
});
