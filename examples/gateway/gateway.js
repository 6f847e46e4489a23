// The example gateway: auth → rate limit → transform in front of a JSON API.
import { createHmac } from 'node:crypto';
import { pipeline } from 'witline';
import { auth, rateLimit, transform } from 'witline/middleware';
import { startApi } from './api.js';

export const DEMO_SECRET = 'witline-demo-secret-change-me';
export const DEMO_ISSUER = 'witline-demo';

const b64url = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** A demo HS256 token for `sub`, valid for `ttlSec` from `nowMs`. */
export function demoToken(sub = 'demo-user', { secret = DEMO_SECRET, nowMs = Date.now(), ttlSec = 24 * 3600 } = {}) {
  const iat = Math.floor(nowMs / 1000);
  const signing = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub, iss: DEMO_ISSUER, iat, exp: iat + ttlSec })}`;
  return `${signing}.${createHmac('sha256', secret).update(signing).digest('base64url')}`;
}

/**
 * Start the API and the gateway in front of it. The gateway maps /api/* to the API's
 * /*, needs a bearer token, allows `burst` requests per client then `perSecond`, and
 * marks what it served (a header, and a `gateway` field in JSON bodies).
 *
 * @param {{ port?: number, host?: string, secret?: string, burst?: number, perSecond?: number, logger?: import('witline').Logger }} [options]
 */
export async function startGateway({ port = 8080, host = '127.0.0.1', secret = DEMO_SECRET, burst = 5, perSecond = 1, logger } = {}) {
  const api = await startApi();
  const p = pipeline(
    [
      auth({ secret, issuer: DEMO_ISSUER }),
      rateLimit({ burst, perSecond }),
      transform({
        request: { rewritePath: { from: '/api/', to: '/' }, setHeaders: { 'x-gateway': 'witline' } },
        response: { setHeaders: { 'x-served-by': 'witline-gateway' }, removeHeaders: ['x-powered-by'], json: { set: { gateway: 'witline' } } },
      }),
    ],
    { handler: api.url, logger },
  );
  const server = await p.listen({ port, host });
  return {
    pipeline: p,
    server,
    url: `http://${host}:${server.address().port}`,
    async close() {
      await p.close();
      api.server.close();
    },
  };
}
