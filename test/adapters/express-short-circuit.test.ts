// A stage that answers is answered by the adapter itself: the handlers after it never run.
import { afterAll, expect, it } from 'vitest';
import { request } from 'undici';
import { pipeline } from '../../src/index.js';
import { toExpress } from '../../src/adapters/express.js';
import { auth } from '../../src/middleware/index.js';
import { quiet, serveExpress } from './support/serve.js';
import { ISSUER, SECRET, T0, token } from './support/tokens.js';

const p = pipeline([auth({ secret: SECRET, issuer: ISSUER })], { clock: () => T0, logger: quiet });
afterAll(() => p.close());

it('answers 401 from the auth stage without calling the route, and lets a good token through', async () => {
  let calls = 0;
  const url = await serveExpress((app) => {
    app.use((_req, res, next) => {
      res.setHeader('access-control-allow-origin', '*'); // set before the pipeline: kept on its answer
      next();
    });
    app.use(toExpress(p));
    app.get('/items', (req, res) => {
      calls++;
      res.json({ subject: req.get('x-auth-subject') });
    });
  });

  const denied = await request(`${url}/items`, { headers: { 'x-auth-subject': 'forged' } });
  expect(denied.statusCode).toBe(401);
  expect(denied.headers['www-authenticate']).toMatch(/^Bearer realm="witline"/);
  expect(denied.headers['access-control-allow-origin']).toBe('*');
  expect(await denied.body.json()).toMatchObject({ error: 'invalid_token' });
  expect(calls).toBe(0);

  const ok = await request(`${url}/items`, { headers: { authorization: `Bearer ${token('ada')}`, 'x-auth-subject': 'forged' } });
  expect(ok.statusCode).toBe(200);
  expect(await ok.body.json()).toEqual({ subject: 'ada' });
  expect(calls).toBe(1);
});
