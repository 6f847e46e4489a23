import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { pipeline } from '../../src/index.js';
import { open, portOf, quiet, statusOf, untilClosed } from './support.js';

// Finding 6: a client that sends its head a byte at a time is answered 408 and closed once
// `headersTimeout` passes (here 300 ms; the default is 10 s).
const p = pipeline([], { logger: quiet, handler: () => ({ status: 200 }) });
let server: Server;
beforeAll(async () => {
  server = await p.listen({ port: 0, host: '127.0.0.1', headersTimeout: 300, requestTimeout: 1_000 });
});
afterAll(() => p.close());

it('closes a client that never finishes its headers', async () => {
  const s = await open(portOf(server));
  const closed = untilClosed(s);
  const started = Date.now();
  s.write('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ');
  const answer = await closed;
  expect(statusOf(answer)).toBe(408);
  // Well under Node's own 60 s: the configured 300 ms plus Node's check interval (75 ms here).
  expect(Date.now() - started).toBeLessThan(5_000);
});
