import { expect } from 'vitest';
import fc from 'fast-check';
import type { InjectResponse, WitRequest } from '../../src/index.js';
import { fieldValue, httpHeaders, httpPath, token } from './arbitraries.js';

/** A handler that reflects the request it got into a JSON body, so any change a stage made shows. */
export const reflectingHandler = (req: WitRequest) => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ method: req.method, uri: req.uri, headers: req.headers, body: req.body ? Buffer.from(req.body).toString('base64') : null }),
});

/** HTTP-valid injected requests; about half carry `x-echo-pass`, so echo stages pass or answer. */
export const injectedRequests = (maxBody: number) =>
  fc.record({
    method: token.map((t) => t.toUpperCase()),
    url: fc
      .tuple(httpPath, fc.boolean(), fc.option(fieldValue.map(encodeURIComponent), { nil: undefined }))
      .map(([p, a, q]) => (a ? '/a' : '') + p + (q ? `?q=${q}` : '')),
    headers: fc.tuple(httpHeaders, fc.boolean()).map(([h, pass]) => (pass ? [...h, ['x-echo-pass', '1'] as [string, string]] : h)),
    body: fc.option(fc.uint8Array({ maxLength: maxBody }), { nil: undefined }),
  });

/** Two answers to the same request are the same: status, headers in order, body bytes. */
export function expectSameAnswer(a: InjectResponse, b: InjectResponse): void {
  expect(a.status).toBe(b.status);
  expect(a.rawHeaders).toEqual(b.rawHeaders);
  expect(a.body.equals(b.body)).toBe(true);
}
