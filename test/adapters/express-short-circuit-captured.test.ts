// A stage that answers before the handlers run, in a pipeline whose response phase holds
// back what the handlers send: the answer keeps what earlier middleware set on `res`, as it
// does when nothing is held back (express-short-circuit.test.ts). Only a response the
// handlers made stands for everything on `res`.
import { afterAll, expect, it } from 'vitest';
import { request } from 'undici';
import { pipeline } from '../../src/index.js';
import { toExpress } from '../../src/adapters/express.js';
import { auth, transform } from '../../src/middleware/index.js';
import { quiet, serveExpress } from './support/serve.js';
import { ISSUER, SECRET, T0, token } from './support/tokens.js';

const p = pipeline([auth({ secret: SECRET, issuer: ISSUER }), transform({ response: { setHeaders: { 'x-served-by': 'witline' } } })], {
  clock: () => T0,
  logger: quiet,
});
afterAll(() => p.close());

it("keeps earlier middleware's headers on a stage's answer, and replaces them with the handlers' own response", async () => {
  let calls = 0;
  const url = await serveExpress((app) => {
    app.use((_req, res, next) => {
      res.setHeader('access-control-allow-origin', '*');
      next();
    });
    app.use(toExpress(p));
    app.get('/items', (_req, res) => {
      calls++;
      res.removeHeader('access-control-allow-origin'); // the handlers' response no longer has it
      res.json({ ok: true });
    });
  });

  const denied = await request(`${url}/items`);
  expect(denied.statusCode).toBe(401);
  expect(denied.headers['access-control-allow-origin']).toBe('*');
  expect(await denied.body.json()).toMatchObject({ error: 'invalid_token' });
  expect(calls).toBe(0);

  const ok = await request(`${url}/items`, { headers: { authorization: `Bearer ${token('ada')}` } });
  expect(ok.statusCode).toBe(200);
  expect(ok.headers['x-served-by']).toBe('witline');
  expect(ok.headers['access-control-allow-origin']).toBeUndefined();
  expect(await ok.body.json()).toEqual({ ok: true });
  expect(calls).toBe(1);
});
