import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { pipeline } from '../../src/index.js';
import { bodyOf, portOf, quiet, raw, statusOf } from './support.js';

// Finding 5: a request with more than one Host field is a 400 (RFC 9112 §3.2), on a socket
// and in inject(); the handler never sees it.
let handled = 0;
const p = pipeline([], {
  logger: quiet,
  handler: () => {
    handled++;
    return { status: 200 };
  },
});
let server: Server;
beforeAll(async () => {
  server = await p.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => p.close());

it('answers 400 to a second Host header on a socket', async () => {
  const answer = await raw(portOf(server), 'GET / HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\nConnection: close\r\n\r\n');
  expect(statusOf(answer)).toBe(400);
  expect(JSON.parse(bodyOf(answer))).toMatchObject({ error: 'WITLINE_BAD_REQUEST' });
  expect(handled).toBe(0);
});

it('answers 400 in inject() too, and 200 with one Host', async () => {
  const res = await p.inject({
    headers: [
      ['host', 'a.example'],
      ['Host', 'b.example'],
    ],
  });
  expect(res.status).toBe(400);
  expect(handled).toBe(0);
  expect((await p.inject({ headers: { host: 'a.example' } })).status).toBe(200);
});
