// The differential corpus: requests good and bad, the same for every path, in order
// (the rate-limit burst depends on it), and the set-up every path shares: stages,
// limits, clock and the handler behind them.
import { pipeline, type Handler, type HandlerResponse, type Pipeline, type WitRequest } from '../../../src/index.js';
import { auth, rateLimit, transform } from '../../../src/middleware/index.js';
import { quiet } from './serve.js';
import { ISSUER, SECRET, T0, token } from './tokens.js';

export interface CorpusRequest {
  name: string;
  method: string;
  path: string;
  headers: Array<[string, string]>;
  body?: string;
}

/** A pipeline as every path gets it: its own instance, so rate-limit state is per path. */
export function differentialPipeline(handler?: Handler): Pipeline {
  return pipeline(
    [
      auth({ secret: SECRET, issuer: ISSUER }),
      rateLimit({ burst: 2, perSecond: 1, key: { header: 'x-client' } }),
      transform({
        request: { rewritePath: { from: '/api/', to: '/' }, setHeaders: { 'x-gateway': 'witline' } },
        response: { setHeaders: { 'x-served-by': 'witline' }, removeHeaders: ['x-internal'], json: { set: { gateway: 'witline' } } },
      }),
    ],
    { handler, clock: () => T0, logger: quiet, limits: { maxBodyBytes: 1024, maxUrlLength: 1024, maxHeaderBytes: 4096 } },
  );
}

const pick = (req: WitRequest, name: string) => req.headers.filter(([k]) => k.toLowerCase() === name).map(([, v]) => v);

/** The handler behind every path: it reports what reached it. */
export function sharedHandler(req: WitRequest): HandlerResponse {
  const body = Buffer.from(req.body ?? []).toString('utf8');
  const status = req.uri.startsWith('/missing') ? 404 : req.method === 'POST' ? 201 : 200;
  const report = {
    method: req.method,
    uri: req.uri,
    subject: pick(req, 'x-auth-subject'),
    gateway: pick(req, 'x-gateway'),
    odd: pick(req, 'x-odd-case'),
    multi: pick(req, 'x-multi'),
    empty: pick(req, 'x-empty'),
    long: pick(req, 'x-long').map((v) => v.length),
    contentType: pick(req, 'content-type'),
    contentLength: pick(req, 'content-length'),
    body,
  };
  return {
    status,
    headers: [
      ['content-type', 'application/json'],
      ['x-internal', 'removed by transform'],
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ],
    body: JSON.stringify(report),
  };
}

const good = (client: string): Array<[string, string]> => [
  ['authorization', `Bearer ${token('ada')}`],
  ['x-client', client],
];

// No HEAD: through a network the response phase gets no body to edit, so the length a
// HEAD answer announces is the origin's, while an in-process handler's body is edited
// (JSON set) before its length is taken. The paths differ there by design.
export const corpus: CorpusRequest[] = [
  { name: 'no token', method: 'GET', path: '/api/items', headers: [['x-client', 'c1']] },
  {
    name: 'token signed with another secret',
    method: 'GET',
    path: '/api/items',
    headers: [['authorization', `Bearer ${token('ada', 'not-the-secret-0123456789abcdef')}`]],
  },
  { name: 'malformed token', method: 'GET', path: '/api/items', headers: [['authorization', 'Bearer not.a.jwt']] },
  { name: 'wrong scheme', method: 'GET', path: '/api/items', headers: [['authorization', 'Basic YWRhOnB3']] },
  { name: 'good GET with a query', method: 'GET', path: '/api/items?color=red&q=a%20b', headers: good('c1') },
  { name: 'forged subject header', method: 'GET', path: '/api/me', headers: [...good('c2'), ['x-auth-subject', 'admin']] },
  {
    name: 'good POST with JSON',
    method: 'POST',
    path: '/api/items',
    headers: [...good('c3'), ['content-type', 'application/json']],
    body: '{"name":"kettle","price":12}',
  },
  { name: 'handler 404', method: 'GET', path: '/api/missing', headers: good('c4') },
  ...[1, 2, 3, 4].map((i) => ({ name: `burst ${i}`, method: 'GET', path: '/api/burst', headers: good('burst') })),
  {
    name: 'odd headers',
    method: 'GET',
    path: '/api/odd',
    headers: [...good('c6'), ['X-Odd-CASE', 'Mixed Case\tand tab'], ['x-multi', 'one'], ['x-multi', 'two'], ['x-empty', ''], ['x-long', 'L'.repeat(2000)]],
  },
  { name: 'body over the limit', method: 'POST', path: '/api/items', headers: [...good('c7'), ['content-type', 'text/plain']], body: 'x'.repeat(2000) },
  { name: 'URL over the limit', method: 'GET', path: `/api/${'u'.repeat(1500)}`, headers: good('c8') },
  { name: 'headers over the limit', method: 'GET', path: '/api/items', headers: [...good('c9'), ['x-big', 'b'.repeat(5000)]] },
  { name: 'still served after the refusals', method: 'GET', path: '/api/items', headers: good('c10') },
];
