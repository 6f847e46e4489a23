// The edge's limits hold in front of Express too: 413, 414 and 431 with witline's JSON
// error bodies, the routes never called, and the app serving on after them.
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { request } from 'undici';
import { pipeline } from '../../src/index.js';
import { toExpress } from '../../src/adapters/express.js';
import { echo } from '../support/components.js';
import { quiet, serveExpress } from './support/serve.js';

const p = pipeline([echo()], { logger: quiet, limits: { maxBodyBytes: 1024, maxHeaderBytes: 4096, maxUrlLength: 512 } });
let url = '';
let calls = 0;
beforeAll(async () => {
  url = await serveExpress((app) => {
    app.use(toExpress(p));
    app.use((_req, res) => {
      calls++;
      res.send('route');
    });
  });
});
afterAll(() => p.close());

// undici sends an async iterable as a chunked body (documented), though its typings name only Readable.
async function* grows() {
  yield 'x'.repeat(600);
  yield 'y'.repeat(600);
}

it('413 for a declared length over the limit, and for a chunked body growing past it', async () => {
  const declared = await request(`${url}/`, { method: 'POST', body: 'x'.repeat(5000) });
  expect(declared.statusCode).toBe(413);
  expect(declared.headers.connection).toBe('close'); // the rest of the body was never read
  expect(await declared.body.json()).toEqual({ error: 'WITLINE_BODY_TOO_LARGE', message: 'request body exceeds 1024 bytes' });
  const chunked = await request(`${url}/`, { method: 'POST', body: grows() as unknown as Readable });
  expect(chunked.statusCode).toBe(413);
  await chunked.body.dump();
});

it('414 for a long URL, 431 for large headers', async () => {
  const long = await request(`${url}/${'a'.repeat(600)}`);
  expect(long.statusCode).toBe(414);
  expect(await long.body.json()).toMatchObject({ error: 'WITLINE_URL_TOO_LONG' });
  const big = await request(`${url}/`, { headers: { 'x-big': 'v'.repeat(5000) } });
  expect(big.statusCode).toBe(431);
  expect(await big.body.json()).toMatchObject({ error: 'WITLINE_HEADERS_TOO_LARGE' });
});

it('never calls the route for a refused request, and serves the next one', async () => {
  expect(calls).toBe(0);
  const ok = await request(`${url}/`, { method: 'POST', headers: { 'x-echo-pass': '1' }, body: 'small' });
  expect(ok.statusCode).toBe(200);
  expect(await ok.body.text()).toBe('route');
  expect(calls).toBe(1);
});
