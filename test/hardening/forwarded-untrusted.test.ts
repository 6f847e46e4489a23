import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { pipeline } from '../../src/index.js';
import { portOf, quiet, raw, recordingUpstream, statusOf } from './support.js';

// Finding 5: by default the client is not believed about the proxies in front of it:
// its X-Forwarded-For/-Host/-Proto and Forwarded never reach the upstream; witline's own do.
let up: Awaited<ReturnType<typeof recordingUpstream>>;
let p: ReturnType<typeof pipeline>;
let server: Server;
beforeAll(async () => {
  up = await recordingUpstream();
  p = pipeline([], { handler: up.origin, logger: quiet });
  server = await p.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await p.close();
  up.server.close();
});

it('overwrites client-sent forwarding headers on a real socket', async () => {
  const answer = await raw(
    portOf(server),
    'GET /x HTTP/1.1\r\nHost: gw.example\r\nX-Forwarded-For: 6.6.6.6\r\nX-Forwarded-Host: evil.example\r\n' +
      'X-Forwarded-Proto: https\r\nForwarded: for=6.6.6.6;host=evil.example\r\nConnection: close\r\n\r\n',
  );
  expect(statusOf(answer)).toBe(200);
  const h = up.last().headers;
  expect(h['x-forwarded-for']).toBe('127.0.0.1');
  expect(h['x-forwarded-host']).toBe('gw.example');
  expect(h['x-forwarded-proto']).toBe('http');
  expect(h.forwarded).toBeUndefined();
});
