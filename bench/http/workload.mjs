// The one workload every server in bench/http runs, and the one answer every server
// must give. Servers and the harness both import it, so a server cannot drift from
// what the harness checks.
import { createHmac } from 'node:crypto';

export const SECRET = 'witline-bench-secret-0123456789abcdef';
export const PATH = '/items';
// The rate limit is keyed by this header. The budget is far above anything a run can
// send (1e9 burst, refilling at 1e9/s), so no request is ever limited, yet every
// request still reads, refills and writes its bucket.
export const CLIENT_HEADER = 'x-client-id';
export const CLIENT_ID = 'bench-client';
export const RATE = { burst: 1_000_000_000, perSecond: 1_000_000_000 };
export const SUBJECT = 'bench-user';
// What the transform adds: a response header, and a field set in the JSON body.
export const SERVED_BY = ['x-served-by', 'witline-bench'];
export const JSON_FIELD = ['served_by', 'bench'];

const b64url = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** An HS256 token for SUBJECT, valid for a day from `nowMs`. */
export function benchToken(nowMs = Date.now()) {
  const iat = Math.floor(nowMs / 1000);
  const signing = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub: SUBJECT, iat, exp: iat + 24 * 3600 })}`;
  return `${signing}.${createHmac('sha256', SECRET).update(signing).digest('base64url')}`;
}

// The handler's data: a page of catalogue items, about 1 KB once serialised.
const ITEMS = Array.from({ length: 8 }, (_, i) => ({
  id: i + 1,
  name: `item-${i + 1}`,
  price_cents: 1000 + i * 137,
  currency: 'EUR',
  tags: ['kitchen', i % 2 ? 'sale' : 'new'],
  stock: { warehouse: 'ams-1', count: 10 * i + 3 },
}));

/**
 * The handler's body for an authenticated subject, serialised per request as a real
 * handler would (every server calls this, none caches its output).
 */
export function handlerBody(subject) {
  return JSON.stringify({ subject, page: 1, per_page: ITEMS.length, items: ITEMS });
}

/** The body a client must receive: the handler's, with the transform's field set (appended last). */
export const EXPECTED_BODY = (() => {
  const o = JSON.parse(handlerBody(SUBJECT));
  o[JSON_FIELD[0]] = JSON_FIELD[1];
  return JSON.stringify(o);
})();

/** Request headers of the benchmark load. */
export function requestHeaders(token) {
  return { authorization: `Bearer ${token}`, [CLIENT_HEADER]: CLIENT_ID, accept: 'application/json' };
}

/**
 * The requests the load generator sends, by kind. 'get' is the workload of every row
 * but (g); 'signed' (row g) is the same request carrying a body signed for the pooled
 * signature stage (defined below). `negative`: extra preflight
 * requests that must be refused.
 */
export function benchLoads(token) {
  return {
    get: { method: 'GET', headers: requestHeaders(token), body: undefined },
    signed: signedLoad(token),
  };
}

// Row (g) only: a webhook-style delivery, signed as GitHub signs them
// (`x-hub-signature-256: sha256=<hex HMAC-SHA256 of the raw body>`), for the pooled
// signature stage to verify. 4 KiB of JSON: enough hashing to be worth a worker.
export const SIGNATURE_SECRET = 'witline-bench-webhook-secret-0123456789';
export const SIGNED_BODY = JSON.stringify({
  event: 'catalogue.updated',
  items: Array.from({ length: 40 }, (_, i) => ({ id: i + 1, sku: `SKU-${String(i + 1).padStart(6, '0')}`, price_cents: 1000 + i })),
}).padEnd(4096, ' ');

function signedLoad(token) {
  const sig = `sha256=${createHmac('sha256', SIGNATURE_SECRET).update(SIGNED_BODY).digest('hex')}`;
  const headers = { ...requestHeaders(token), 'content-type': 'application/json', 'x-hub-signature-256': sig };
  const forged = sig.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
  return {
    method: 'POST',
    headers,
    body: SIGNED_BODY,
    negative: [
      { what: 'with a forged body signature', headers: { 'x-hub-signature-256': forged }, status: 401 },
      { what: 'with a body not matching its signature', body: SIGNED_BODY.replace('catalogue', 'catalogua'), status: 401 },
    ],
  };
}
