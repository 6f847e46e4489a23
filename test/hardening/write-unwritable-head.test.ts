import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { pipeline } from '../../src/index.js';
import { bodyOf, portOf, quiet, raw, statusOf } from './support.js';

// Finding 3: a response that passes every check but that Node cannot put on the wire (here
// a head of 540 MiB, past V8's longest string: `RangeError: Invalid string length` in
// writeHead) must become a 502, not a throw out of the edge that ends the process. The
// limits are raised so that the checks let it through; the value is one shared string, so
// the test itself holds 1 MiB.
const big = 'v'.repeat(1024 * 1024);
const p = pipeline([], {
  logger: quiet,
  limits: { maxResponseHeaderCount: 1000, maxResponseHeaderBytes: 2 ** 30 },
  handler: (req) =>
    req.uri === '/huge' ? { status: 200, headers: Array.from({ length: 540 }, (_, i): [string, string] => [`x-${i}`, big]) } : { status: 200, body: 'fine' },
});
let server: Server;
beforeAll(async () => {
  server = await p.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => p.close());

it('answers 502 for a response head Node refuses to write, and keeps serving', async () => {
  const answer = await raw(portOf(server), 'GET /huge HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  expect(statusOf(answer)).toBe(502);
  expect(JSON.parse(bodyOf(answer))).toMatchObject({ error: 'WITLINE_GUEST_INVALID_OUTPUT' });
  const ok = await raw(portOf(server), 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  expect(statusOf(ok)).toBe(200);
  expect(bodyOf(ok)).toBe('fine');
});
