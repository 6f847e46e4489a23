// The Express example: witline's auth → rate limit → transform in front of an Express
// notes API. The routes parse bodies with express.json() as usual, after the pipeline.
import { createHmac } from 'node:crypto';
import express from 'express';
import { pipeline } from 'witline';
import { toExpress } from 'witline/express';
import { auth, rateLimit, transform } from 'witline/middleware';

export const DEMO_SECRET = 'witline-express-demo-secret-change-me';
export const DEMO_ISSUER = 'witline-demo';

const b64url = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** A demo HS256 token for `sub`, valid for `ttlSec` from `nowMs`. */
export function demoToken(sub = 'demo-user', { secret = DEMO_SECRET, nowMs = Date.now(), ttlSec = 24 * 3600 } = {}) {
  const iat = Math.floor(nowMs / 1000);
  const signing = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub, iss: DEMO_ISSUER, iat, exp: iat + ttlSec })}`;
  return `${signing}.${createHmac('sha256', secret).update(signing).digest('base64url')}`;
}

/**
 * Start the app. Every request needs a bearer token (the auth stage answers 401 itself);
 * a client gets `burst` requests at once, then `perSecond`; JSON answers carry
 * `"via":"witline"` and an `x-served-by` header, added by the transform stage's response
 * phase over what the routes sent.
 *
 * @param {{ port?: number, host?: string, secret?: string, burst?: number, perSecond?: number, logger?: import('witline').Logger }} [options]
 */
export async function startExpressApp({ port = 3000, host = '127.0.0.1', secret = DEMO_SECRET, burst = 5, perSecond = 1, logger } = {}) {
  const p = pipeline(
    [
      auth({ secret, issuer: DEMO_ISSUER }),
      rateLimit({ burst, perSecond }),
      transform({ response: { setHeaders: { 'x-served-by': 'witline-express' }, json: { set: { via: 'witline' } } } }),
    ],
    { logger },
  );
  await p.ready();

  const notes = [];
  const app = express();
  app.disable('x-powered-by');
  app.use(toExpress(p)); // before any body parser: the stages see the body first
  app.use(express.json());
  app.get('/notes', (req, res) => res.json({ notes, for: req.get('x-auth-subject') }));
  app.post('/notes', (req, res) => {
    if (typeof req.body?.text !== 'string') return res.status(400).json({ error: 'give {"text": "..."}' });
    const note = { id: notes.length + 1, text: req.body.text, by: req.get('x-auth-subject') };
    notes.push(note);
    res.status(201).json(note);
  });

  const server = await new Promise((resolve, reject) => {
    const s = app.listen(port, host, (err) => (err ? reject(err) : resolve(s)));
  });
  return {
    pipeline: p,
    server,
    url: `http://${host}:${server.address().port}`,
    async close() {
      await new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await p.close();
    },
  };
}
