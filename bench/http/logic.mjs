// The middleware logic as plain JS functions, for the non-witline servers (b), (c), (d).
// It does what the bundled witline guests do for this workload, no more and no less:
//   auth       — HS256 JWT: header alg/typ, HMAC-SHA256 signature (constant-time
//                compare), exp/nbf with 30 s skew; sets x-auth-subject from `sub`.
//   rateLimit  — a token bucket per x-client-id value, read, refilled and written back
//                on every request; RateLimit-* headers on the response.
//   transform  — a response header, and a JSON field set on the response body.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { CLIENT_HEADER, JSON_FIELD, RATE, SECRET } from './workload.mjs';

const SKEW_SEC = 30;

function decodeJson(segment) {
  try {
    const v = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

/** `{ subject }` for a valid `Authorization: Bearer <jwt>`, else `{ error }` (a 401). */
export function verifyBearer(authorization, nowMs = Date.now()) {
  if (typeof authorization !== 'string' || !/^bearer /i.test(authorization)) return { error: 'missing credentials' };
  const token = authorization.slice(7).trim();
  const parts = token.split('.');
  if (parts.length !== 3) return { error: 'malformed token' };
  const header = decodeJson(parts[0]);
  if (!header || typeof header.alg !== 'string') return { error: 'malformed token' };
  if (header.alg !== 'HS256') return { error: 'unsupported alg' };
  if (header.typ !== undefined && String(header.typ).toUpperCase() !== 'JWT') return { error: 'malformed token' };
  const sig = Buffer.from(parts[2], 'base64url');
  const mac = createHmac('sha256', SECRET).update(`${parts[0]}.${parts[1]}`).digest();
  if (sig.length !== mac.length || !timingSafeEqual(sig, mac)) return { error: 'bad signature' };
  const claims = decodeJson(parts[1]);
  if (!claims) return { error: 'malformed token' };
  const now = nowMs / 1000;
  if (typeof claims.exp === 'number' && now >= claims.exp + SKEW_SEC) return { error: 'token expired' };
  if (typeof claims.nbf === 'number' && now + SKEW_SEC < claims.nbf) return { error: 'token not yet valid' };
  return { subject: typeof claims.sub === 'string' ? claims.sub : undefined };
}

/** The 401 answer, as the witline auth guest words it. */
export function unauthorized(error) {
  return {
    status: 401,
    headers: { 'content-type': 'application/json', 'www-authenticate': `Bearer realm="witline", error="invalid_token", error_description="${error}"` },
    body: JSON.stringify({ error: 'invalid_token', error_description: error }),
  };
}

/** Token buckets in a Map: `take` spends one token, `headers` reads the bucket for RateLimit-*. */
export function tokenBuckets({ burst, perSecond } = RATE) {
  const buckets = new Map();
  const policy = `${burst};w=${Math.ceil(burst / perSecond)}`;
  const refill = (key, now) => {
    const b = buckets.get(key) ?? { tokens: burst, last: now };
    if (now > b.last) b.tokens = Math.min(burst, b.tokens + ((now - b.last) * perSecond) / 1000);
    b.last = Math.max(b.last, now);
    return b;
  };
  return {
    /** Null when allowed (the bucket written back), else the seconds to wait (a 429). */
    take(key, now = Date.now()) {
      const b = refill(key, now);
      if (b.tokens < 1) return Math.max(1, Math.ceil((1 - b.tokens) / perSecond));
      b.tokens -= 1;
      buckets.set(key, b);
      return null;
    },
    headers(key, now = Date.now()) {
      const b = refill(key, now);
      const reset = b.tokens >= burst ? 0 : Math.max(1, Math.ceil((1 - (b.tokens % 1)) / perSecond));
      return {
        'ratelimit-limit': String(burst),
        'ratelimit-remaining': String(Math.floor(b.tokens)),
        'ratelimit-reset': String(reset),
        'ratelimit-policy': policy,
      };
    },
  };
}

/** The rate-limit key of a request: its x-client-id value (the witline stage keys the same way). */
export const clientKey = (headers) => headers[CLIENT_HEADER] || 'ip';

/** The 429 answer. */
export function tooMany(wait) {
  return {
    status: 429,
    headers: { 'content-type': 'application/json', 'retry-after': String(wait) },
    body: JSON.stringify({ error: 'rate_limited', retry_after: wait }),
  };
}

/** The transform's body edit: set the field on a JSON object body; anything else passes through. */
export function transformBody(body, contentType) {
  if (typeof contentType !== 'string' || !contentType.startsWith('application/json')) return body;
  let o;
  try {
    o = JSON.parse(body);
  } catch {
    return body;
  }
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return body;
  o[JSON_FIELD[0]] = JSON_FIELD[1];
  return JSON.stringify(o);
}
