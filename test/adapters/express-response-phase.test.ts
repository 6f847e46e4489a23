// With a response phase, what the routes send is held back, run through it, and sent
// then, whichever Express API wrote it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { request } from 'undici';
import { pipeline } from '../../src/index.js';
import { toExpress } from '../../src/adapters/express.js';
import { rateLimit, transform } from '../../src/middleware/index.js';
import { quiet, serveExpress } from './support/serve.js';
import { T0 } from './support/tokens.js';

const p = pipeline(
  [
    rateLimit({ burst: 10, perSecond: 1 }),
    transform({ response: { setHeaders: { 'x-served-by': 'witline' }, removeHeaders: ['x-secret'], json: { set: { via: 'witline' } } } }),
  ],
  { clock: () => T0, logger: quiet },
);
let url = '';
beforeAll(async () => {
  url = await serveExpress((app) => {
    app.use(toExpress(p));
    app.get('/json', (_req, res) => {
      res.set('x-secret', 's3cret').status(201).json({ id: 7 });
    });
    app.get('/chunks', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"parts":');
      res.write(Buffer.from('["a",'));
      res.end('"b"]}');
    });
    app.get('/text', (_req, res) => res.type('text').send('plain words'));
  });
});
afterAll(() => p.close());

it('res.json(): status and headers kept, JSON edited, headers added and removed, length right', async () => {
  const res = await request(`${url}/json`);
  expect(res.statusCode).toBe(201);
  expect(res.headers['x-served-by']).toBe('witline');
  expect(res.headers['x-secret']).toBeUndefined();
  expect(res.headers['ratelimit-limit']).toBe('10');
  const body = await res.body.text();
  expect(JSON.parse(body)).toEqual({ id: 7, via: 'witline' });
  expect(res.headers['content-length']).toBe(String(Buffer.byteLength(body)));
});

it('writeHead/write/end in pieces: the whole body goes through the response phase', async () => {
  const res = await request(`${url}/chunks`);
  expect(res.statusCode).toBe(200);
  expect(res.headers['transfer-encoding']).toBeUndefined();
  expect(await res.body.json()).toEqual({ parts: ['a', 'b'], via: 'witline' });
});

it('a body that is not JSON passes through, with the response headers applied', async () => {
  const res = await request(`${url}/text`);
  expect(res.headers['x-served-by']).toBe('witline');
  expect(await res.body.text()).toBe('plain words');
});
