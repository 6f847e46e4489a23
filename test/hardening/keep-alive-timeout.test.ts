import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { pipeline } from '../../src/index.js';
import { open, portOf, quiet, statusOf, untilClosed } from './support.js';

// Finding 6: an idle keep-alive connection is closed after `keepAliveTimeout` (here 200 ms;
// the default is 5 s), after its answer was sent.
const p = pipeline([], { logger: quiet, handler: () => ({ status: 200, body: 'ok' }) });
let server: Server;
beforeAll(async () => {
  server = await p.listen({ port: 0, host: '127.0.0.1', keepAliveTimeout: 200 });
});
afterAll(() => p.close());

it('closes an idle keep-alive connection', async () => {
  const s = await open(portOf(server));
  const closed = untilClosed(s);
  const started = Date.now();
  s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  const answer = await closed;
  expect(statusOf(answer)).toBe(200);
  // The configured 200 ms plus the second Node allows for a response in flight; 5 s by default.
  expect(Date.now() - started).toBeLessThan(3_000);
});
