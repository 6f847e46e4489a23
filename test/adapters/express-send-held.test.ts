// A held response's `res.send` gives the response what Express's own send gives it: the
// same status, Content-Type, body and tag as the same route in an Express app without
// witline, whichever body and type the route sends it with.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Express } from 'express';
import { request } from 'undici';
import { pipeline } from '../../src/index.js';
import { toExpress } from '../../src/adapters/express.js';
import { transform } from '../../src/middleware/index.js';
import { quiet, serveExpress } from './support/serve.js';

// A response phase that changes no body: what the client gets is what the route's send made.
const p = pipeline([transform({ response: { setHeaders: { 'x-served-by': 'witline' } } })], { logger: quiet });

/** Each route: how it sends. The same routes serve both apps. */
const ROUTES: Record<string, (res: import('express').Response) => void> = {
  'html-default': (res) => res.send('<p>hi</p>'),
  'json-type': (res) => res.type('json').send('{"a":1}'),
  'mixed-case-type': (res) => res.set('Content-Type', 'Text/Plain').send('words'),
  'mixed-case-raw': (res) => res.setHeader('Content-Type', 'Application/JSON') && res.send('{}'),
  'own-charset': (res) => res.setHeader('Content-Type', 'text/plain; charset=utf-8') && res.send('already'),
  'latin1-charset': (res) => res.set('Content-Type', 'text/plain; charset=latin1').send('rewritten'),
  'type-with-parameter': (res) => res.set('Content-Type', 'text/plain; format=flowed').send('flowed'),
  'spaced-type': (res) => res.setHeader('Content-Type', ' text/plain') && res.send('spaced'),
  'buffer-untyped': (res) => res.send(Buffer.from([0, 1, 2, 255])),
  'buffer-typed': (res) => res.type('png').send(Buffer.from([137, 80, 78, 71])),
  uint8array: (res) => res.send(new Uint8Array([9, 8, 7])),
  json: (res) => res.json({ a: [1, 2], b: 'ü' }),
  object: (res) => res.send({ sent: true }),
  number: (res) => res.send(42),
  null: (res) => res.send(null),
  undefined: (res) => res.send(),
  created: (res) => res.status(201).send('made'),
  'no-content': (res) => res.status(204).send('dropped'),
  'reset-content': (res) => res.status(205).send('dropped'),
  'utf8-body': (res) => res.send('naïve ☃ — 日本'),
  'own-etag': (res) => res.set('ETag', '"mine"').send('tagged by the route'),
  'last-modified': (res) => res.set('Last-Modified', 'Tue, 01 Dec 2026 10:00:00 GMT').send('dated'),
};

function routes(app: Express): void {
  for (const [name, send] of Object.entries(ROUTES)) app.get(`/${name}`, (_req, res) => send(res));
}

let witline = '';
let plain = '';
beforeAll(async () => {
  witline = await serveExpress((app) => {
    app.use(toExpress(p));
    routes(app);
    // Held, a write sends no head, so Express's send after it ends after the written bytes
    // (without witline it would throw: its head went out with the write).
    app.get('/written-then-sent', (_req, res) => {
      res.type('text').write('first, ');
      res.send('then sent');
    });
  });
  plain = await serveExpress(routes);
});
afterAll(() => p.close());

async function get(base: string, path: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') {
  const res = await request(`${base}${path}`, { method, headers });
  const body = Buffer.from(await res.body.arrayBuffer());
  const h = res.headers;
  return { status: res.statusCode, type: h['content-type'], etag: h.etag, length: h['content-length'], body: body.toString('hex'), servedBy: h['x-served-by'] };
}

it.each(Object.keys(ROUTES))('%s: the status, type, body and tag Express gives it', async (name) => {
  const [got, want] = await Promise.all([get(witline, `/${name}`), get(plain, `/${name}`)]);
  expect(got.servedBy).toBe('witline'); // it went through the response phase
  const { servedBy, ...rest } = got;
  expect(rest).toEqual({ ...want, servedBy: undefined, length: want.status === 204 ? undefined : want.length });
  void servedBy;
});

it('a request holding the tag gets 304, as from Express', async () => {
  for (const name of ['html-default', 'buffer-untyped', 'json', 'own-etag']) {
    const { etag } = await get(plain, `/${name}`);
    const [got, want] = await Promise.all([
      get(witline, `/${name}`, { 'if-none-match': etag as string }),
      get(plain, `/${name}`, { 'if-none-match': etag as string }),
    ]);
    expect(want.status).toBe(304);
    expect({ name, status: got.status, body: got.body, type: got.type }).toEqual({ name, status: 304, body: '', type: undefined });
  }
});

it('a request not modified since the route says: 304, as from Express', async () => {
  const since = { 'if-modified-since': 'Wed, 02 Dec 2026 10:00:00 GMT' };
  const [got, want] = await Promise.all([get(witline, '/last-modified', since), get(plain, '/last-modified', since)]);
  expect(want.status).toBe(304);
  expect({ status: got.status, body: got.body, type: got.type }).toEqual({ status: 304, body: '', type: undefined });
  const earlier = await get(witline, '/last-modified', { 'if-modified-since': 'Mon, 30 Nov 2026 10:00:00 GMT' });
  expect({ status: earlier.status, body: Buffer.from(earlier.body, 'hex').toString() }).toEqual({ status: 200, body: 'dated' });
});

it('HEAD: the status and type Express gives it, no body', async () => {
  for (const name of ['html-default', 'buffer-untyped', 'json']) {
    const [got, want] = await Promise.all([get(witline, `/${name}`, {}, 'HEAD'), get(plain, `/${name}`, {}, 'HEAD')]);
    expect({ name, status: got.status, type: got.type, body: got.body }).toEqual({ name, status: want.status, type: want.type, body: '' });
  }
});

it('a send after a write ends after the bytes written', async () => {
  const res = await request(`${witline}/written-then-sent`);
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
  expect(await res.body.text()).toBe('first, then sent');
});
