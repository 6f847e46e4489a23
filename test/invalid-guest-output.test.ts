import { afterAll, expect, it } from 'vitest';
import { pipeline } from '../src/index.js';
import { echo } from './support/components.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const p = pipeline([echo()], { logger: quiet });
afterAll(() => p.close());

it.each([
  ['a status below 200', { 'x-echo-status': '42' }, undefined],
  ['a status above 599', { 'x-echo-status': '1000' }, undefined],
  ['a body on a 204', { 'x-echo-status': '204' }, 'not empty'],
  ['CR/LF in a header value', { 'x-echo-header-from-body': 'x-split' }, 'a\r\nset-cookie: evil=1'],
  ['NUL in a header value', { 'x-echo-header-from-body': 'x-nul' }, 'a\0b'],
  ['a header name that is not a token', { 'x-echo-header-from-body': 'bad name' }, 'v'],
])('answers 502 when the guest returns %s', async (_what, headers, body) => {
  const res = await p.inject({ method: 'POST', headers, body });
  expect(res.status).toBe(502);
  expect(res.json()).toMatchObject({ error: 'WITLINE_GUEST_INVALID_OUTPUT' });
  expect(res.headers['x-split']).toBeUndefined();
  expect(res.headers['set-cookie']).toBeUndefined();
  // and the stage keeps serving
  expect((await p.inject({ url: '/fine' })).status).toBe(200);
});
