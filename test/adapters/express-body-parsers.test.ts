// The body a request carries through the pipeline is read downstream by Express's own
// parsers, whatever its framing (content-length or chunked) and bytes.
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import express from 'express';
import { pipeline, type Pipeline } from '../../src/index.js';
import { toExpress } from '../../src/adapters/express.js';
import { auth, transform } from '../../src/middleware/index.js';
import { quiet, serveExpress } from './support/serve.js';
import { ISSUER, SECRET, T0, token } from './support/tokens.js';

// undici sends an async iterable as a chunked body (documented), though its typings name only Readable.
async function* chunked(...parts: string[]) {
  for (const p of parts) yield Buffer.from(p);
}

// With a response phase (transform) the adapter captures the response; without (auth only) it does not.
const setups: Array<[string, () => Pipeline]> = [
  ['with a response phase', () => pipeline([transform({ request: { setHeaders: { 'x-gateway': 'witline' } } })], { logger: quiet })],
  ['without a response phase', () => pipeline([auth({ secret: SECRET, issuer: ISSUER })], { clock: () => T0, logger: quiet })],
];

describe.each(setups)('%s', (_name, make) => {
  const p = make();
  let url = '';
  const headers = { authorization: `Bearer ${token('ada')}` };
  beforeAll(async () => {
    url = await serveExpress((app) => {
      app.use(toExpress(p));
      app.post('/json', express.json(), (req, res) => res.json({ got: req.body, length: req.get('content-length') ?? null }));
      app.post('/text', express.text(), (req, res) =>
        res.json({ got: req.body, length: req.get('content-length') ?? null, te: req.get('transfer-encoding') ?? null }),
      );
      app.post('/raw', express.raw(), (req, res) => res.json({ got: [...(req.body as Buffer)] }));
    });
  });
  afterAll(() => p.close());

  it('express.json() reads a JSON body', async () => {
    const res = await request(`${url}/json`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: '{"name":"kettle","n":[1,2]}',
    });
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toEqual({ got: { name: 'kettle', n: [1, 2] }, length: '27' });
  });

  it('express.json() reads an empty body as {}', async () => {
    const res = await request(`${url}/json`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json', 'content-length': '0' } });
    expect(await res.body.json()).toEqual({ got: {}, length: '0' });
  });

  it('express.text() reads a chunked body, re-framed with its length', async () => {
    const res = await request(`${url}/text`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'text/plain' },
      body: chunked('hello ', 'chunked ', 'world') as unknown as Readable,
    });
    expect(await res.body.json()).toEqual({ got: 'hello chunked world', length: '19', te: null });
  });

  it('express.raw() reads every byte value', async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const res = await request(`${url}/raw`, { method: 'POST', headers: { ...headers, 'content-type': 'application/octet-stream' }, body: bytes });
    expect((await res.body.json()) as { got: number[] }).toEqual({ got: [...bytes] });
  });
});
