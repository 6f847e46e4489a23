import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { pipeline } from '../../src/index.js';
import { open, portOf, quiet, raw, statusOf, untilClosed } from './support.js';

// Finding 6: past `maxConnections` open connections, a new one is closed at once, unanswered;
// once one closes, new clients are served again.
const p = pipeline([], { logger: quiet, handler: () => ({ status: 200, body: 'ok' }) });
let server: Server;
beforeAll(async () => {
  server = await p.listen({ port: 0, host: '127.0.0.1', maxConnections: 1 });
});
afterAll(() => p.close());

it('closes a connection over the cap without an answer', async () => {
  const first = await open(portOf(server));
  const firstClosed = untilClosed(first);
  // Served: the server holds the first connection (kept alive).
  await new Promise<void>((resolve) => {
    first.once('data', () => resolve());
    first.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  });
  const second = await raw(portOf(server), 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  expect(second).toBe('');
  first.end();
  await firstClosed;
  expect(statusOf(await raw(portOf(server), 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'))).toBe(200);
});
