// Failures: a stage's answers with its JSON error response, like everywhere in witline;
// the adapter's own failures go to Express's error handling as WitlineErrors.
import { afterAll, expect, it } from 'vitest';
import { request } from 'undici';
import express, { type ErrorRequestHandler } from 'express';
import { pipeline, stage, WitlineError, type Pipeline } from '../../src/index.js';
import { toExpress } from '../../src/adapters/express.js';
import { echo } from '../support/components.js';
import { quiet, serveExpress } from './support/serve.js';

const open: Pipeline[] = [];
afterAll(() => Promise.all(open.map((p) => p.close())));
function make(...args: Parameters<typeof pipeline>) {
  const p = pipeline(...args);
  open.push(p);
  return p;
}

// Reports what reached Express's error handling.
const reportError: ErrorRequestHandler = (err, _req, res, _next) => {
  res.status(599).json({ caught: err instanceof WitlineError ? err.code : String(err) });
};

it('a trapping stage answers 500 WITLINE_GUEST_TRAP itself', async () => {
  const p = make([echo({ config: [['trap-on', '/trap']] })], { logger: quiet });
  const url = await serveExpress((app) => {
    app.use(toExpress(p));
    app.use(reportError);
  });
  const res = await request(`${url}/trap`);
  expect(res.statusCode).toBe(500);
  expect(await res.body.json()).toMatchObject({ error: 'WITLINE_GUEST_TRAP' });
});

it('a body an earlier parser already read goes to next(err) as WITLINE_BODY_CONSUMED', async () => {
  const p = make([echo()], { logger: quiet });
  const url = await serveExpress((app) => {
    app.use(express.json());
    app.use(toExpress(p));
    app.use(reportError);
  });
  const res = await request(`${url}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(res.statusCode).toBe(599);
  expect(await res.body.json()).toEqual({ caught: 'WITLINE_BODY_CONSUMED' });
});

it('a pipeline that cannot load goes to next(err) as WITLINE_COMPONENT_LOAD', async () => {
  const p = make([stage({ name: 'missing', component: '/nonexistent/missing.wasm' })], { logger: quiet });
  const url = await serveExpress((app) => {
    app.use(toExpress(p));
    app.use(reportError);
  });
  const res = await request(`${url}/`);
  expect(await res.body.json()).toEqual({ caught: 'WITLINE_COMPONENT_LOAD' });
});

it("a route's error, answered by Express's error handling, still goes through the response phase", async () => {
  const p = make([echo()], { logger: quiet });
  const url = await serveExpress((app) => {
    app.use(toExpress(p));
    app.get('/boom', () => {
      throw new Error('boom');
    });
    app.use(reportError);
  });
  const res = await request(`${url}/boom`, { headers: { 'x-echo-pass': '1' } });
  expect(res.statusCode).toBe(599);
  expect(res.headers['x-echo']).toBe('echo');
  expect(await res.body.json()).toEqual({ caught: 'Error: boom' });
});
