import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { pipeline } from '../../src/index.js';
import { echo } from '../support/components.js';
import { bodyOf, portOf, quiet, raw, statusOf } from './support.js';

// Finding 4: a response with more header fields than `limits.maxResponseHeaderCount` (100)
// is a 502, whoever made it: a guest (echo reflects each request header as a response
// header; the request limits are raised so 150 get in) or the handler.
const many = (n: number) => Array.from({ length: n }, (_, i): [string, string] => [`x-h${i}`, 'v']);
const guest = pipeline([echo()], { logger: quiet, limits: { maxHeaderCount: 1000, maxHeaderBytes: 64 * 1024 } });
const handler = pipeline([], { logger: quiet, handler: (req) => ({ status: 200, headers: many(req.uri === '/many' ? 101 : 100) }) });
let server: Server;
beforeAll(async () => {
  server = await guest.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => Promise.all([guest.close(), handler.close()]));

it('answers 502 when a guest returns more than 100 response headers', async () => {
  const res = await guest.inject({ headers: many(150) });
  expect(res.status).toBe(502);
  expect(res.json()).toMatchObject({ error: 'WITLINE_GUEST_INVALID_OUTPUT' });
  expect(res.text()).toContain('maxResponseHeaderCount');
  expect((await guest.inject({ headers: many(10) })).status).toBe(200);
});

it('answers 502 on a socket too, with none of the headers on the wire', async () => {
  const head = many(150)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  const answer = await raw(portOf(server), `GET / HTTP/1.1\r\nHost: x\r\n${head}Connection: close\r\n\r\n`);
  expect(statusOf(answer)).toBe(502);
  expect(answer).not.toContain('x-echo-h-x-h0');
  expect(JSON.parse(bodyOf(answer))).toMatchObject({ error: 'WITLINE_GUEST_INVALID_OUTPUT' });
});

it('answers 502 when the handler returns 101 headers, 200 for 100', async () => {
  expect((await handler.inject({ url: '/many' })).status).toBe(502);
  expect((await handler.inject({ url: '/' })).status).toBe(200);
});
