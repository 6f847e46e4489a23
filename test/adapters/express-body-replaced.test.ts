// A body the pipeline changed replaces the one the client sent, for Express's parsers
// downstream: the adapter's body hand-over, driven directly with a changed request.
import { expect, it } from 'vitest';
import { request } from 'undici';
import express from 'express';
import { applyRequest, takeBody } from '../../src/adapters/express-body.js';
import { rawPairs } from '../../src/core/http.js';
import { resolveLimits } from '../../src/core/limits.js';
import { serveExpress } from './support/serve.js';

const limits = resolveLimits();
const enc = new TextEncoder();

/** Stands in for a stage: takes the body as the adapter does, passes on `change(body)`. */
function rewriting(change: (body: string) => string | undefined): express.RequestHandler {
  return async (req, _res, next) => {
    const had = await takeBody(req, limits);
    const text = change(Buffer.from(had ?? []).toString());
    const body = text === undefined ? undefined : enc.encode(text);
    const headers = rawPairs(req.rawHeaders).filter(([k]) => k.toLowerCase() !== 'content-type');
    if (text !== undefined) headers.push(['content-type', 'application/json']);
    applyRequest(req, had, { method: 'PUT', uri: '/changed', headers, body });
    next();
  };
}

it('express.json() reads the changed body, longer or shorter, at the changed method and url', async () => {
  const url = await serveExpress((app) => {
    app.use(rewriting((b) => JSON.stringify({ was: b, extra: 'x'.repeat(b.length) })));
    app.put('/changed', express.json(), (req, res) => res.json({ body: req.body, length: req.get('content-length') }));
  });
  const res = await request(`${url}/orig`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'abc' });
  expect(res.statusCode).toBe(200);
  expect(await res.body.json()).toEqual({ body: { was: 'abc', extra: 'xxx' }, length: '27' });
});

it('a body added to a request that had none is read; a removed one is not there', async () => {
  const url = await serveExpress((app) => {
    app.use(rewriting((b) => (b === '' ? '{"added":true}' : undefined)));
    app.put('/changed', express.json(), (req, res) => res.json({ body: req.body ?? null, length: req.get('content-length') ?? null }));
  });
  const added = await request(`${url}/orig`);
  expect(await added.body.json()).toEqual({ body: { added: true }, length: '14' });
  const removed = await request(`${url}/orig`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
  expect(await removed.body.json()).toEqual({ body: null, length: null });
});
