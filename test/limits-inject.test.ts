import { afterAll, expect, it } from 'vitest';
import { pipeline } from '../src/index.js';
import { echo } from './support/components.js';

const p = pipeline([echo()], { limits: { maxBodyBytes: 1024, maxHeaderBytes: 2048, maxUrlLength: 512, maxHeaderCount: 20 } });
afterAll(() => p.close());

it('answers 413 for a body over the limit, and accepts one at the limit', async () => {
  expect((await p.inject({ method: 'POST', body: 'x'.repeat(1024) })).status).toBe(200);
  const res = await p.inject({ method: 'POST', body: 'x'.repeat(1025) });
  expect(res.status).toBe(413);
  expect(res.json()).toMatchObject({ error: 'WITLINE_BODY_TOO_LARGE' });
});

it('answers 431 for headers over the byte limit or the count limit', async () => {
  const big = await p.inject({ headers: { 'x-big': 'v'.repeat(2100) } });
  expect(big.status).toBe(431);
  expect(big.json()).toMatchObject({ error: 'WITLINE_HEADERS_TOO_LARGE' });
  const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`x-h${i}`, '1']));
  expect((await p.inject({ headers: many })).status).toBe(431);
});

it('answers 414 for a URL over the limit', async () => {
  const res = await p.inject({ url: '/' + 'a'.repeat(600) });
  expect(res.status).toBe(414);
  expect(res.json()).toMatchObject({ error: 'WITLINE_URL_TOO_LONG' });
});

it('answers 400 for a malformed method', async () => {
  expect((await p.inject({ method: 'GE T' })).status).toBe(400);
});

it('answers 400 for a header a socket could not carry', async () => {
  expect((await p.inject({ headers: { 'x-a': 'ключ' } })).status).toBe(400);
  expect((await p.inject({ headers: { 'bad name': 'v' } })).status).toBe(400);
  expect((await p.inject({ headers: { 'x-a': 'caf\u00e9' } })).status).toBe(200); // latin-1 is fine, as on the wire
});
