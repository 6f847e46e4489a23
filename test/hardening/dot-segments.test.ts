import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { pipeline } from '../../src/index.js';
import { echo } from '../support/components.js';
import { portOf, quiet, raw, statusOf } from './support.js';

// Finding 5: dot-segments, plain or as %2e, are removed (RFC 3986 §5.2.4) before any stage
// sees the target: a stage judges the path the upstream will serve. Echo answers with the
// uri it received in `x-echo-uri`.
const p = pipeline([echo()], { logger: quiet });
let server: Server;
beforeAll(async () => {
  server = await p.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => p.close());

it.each([
  ['/api/../admin', '/admin'],
  ['/api/%2e%2e/admin', '/admin'],
  ['/api/%2E%2e/admin?next=/../x', '/admin?next=/../x'],
  ['/a/./b/.', '/a/b/'],
  ['/../../etc/passwd', '/etc/passwd'],
  ['/app.js', '/app.js'],
])('a stage sees %s as %s, on a socket', async (target, seen) => {
  const answer = await raw(portOf(server), `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  expect(statusOf(answer)).toBe(200);
  expect(answer).toContain(`x-echo-uri: ${seen}\r\n`);
});

it('and in inject()', async () => {
  const res = await p.inject({ url: '/api/%2e%2e/admin' });
  expect(res.headers['x-echo-uri']).toBe('/admin');
});
