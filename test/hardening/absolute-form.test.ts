import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { pipeline } from '../../src/index.js';
import { bodyOf, portOf, quiet, raw, recordingUpstream, statusOf } from './support.js';

// Finding 5: an absolute-form target (RFC 9112 §3.2.2) is accepted when its authority is the
// Host the client sent, and stages and the upstream see its origin form (path and query);
// one naming another authority is refused with 400, never forwarded as is.
let up: Awaited<ReturnType<typeof recordingUpstream>>;
let p: ReturnType<typeof pipeline>;
let server: Server;
beforeAll(async () => {
  up = await recordingUpstream();
  p = pipeline([], { handler: `${up.origin}/api`, logger: quiet });
  server = await p.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await p.close();
  up.server.close();
});

it('forwards the origin form of an absolute-form target naming this Host', async () => {
  const host = `127.0.0.1:${portOf(server)}`;
  const answer = await raw(portOf(server), `GET http://${host}/x?y=1 HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
  expect(statusOf(answer)).toBe(200);
  expect(up.last().url).toBe('/api/x?y=1');
});

it('answers 400 for an absolute-form target naming another authority, on a socket', async () => {
  const answer = await raw(portOf(server), `GET http://evil.example/x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
  expect(statusOf(answer)).toBe(400);
  expect(JSON.parse(bodyOf(answer))).toMatchObject({ error: 'WITLINE_BAD_REQUEST' });
});

it('does the same in inject()', async () => {
  expect((await p.inject({ url: 'http://gw.example/z', headers: { host: 'gw.example' } })).status).toBe(200);
  expect(up.last().url).toBe('/api/z');
  expect((await p.inject({ url: 'http://evil.example/z', headers: { host: 'gw.example' } })).status).toBe(400);
});
