import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { pipeline } from '../../src/index.js';
import { open, portOf, quiet, untilClosed } from './support.js';

// Finding 6: a client that sends its head but never the body it announced is closed once
// `requestTimeout` passes (here 400 ms; the default is 30 s): the handler never runs.
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
  server = await p.listen({ port: 0, host: '127.0.0.1', headersTimeout: 200, requestTimeout: 400 });
});
afterAll(() => p.close());

it('closes a client whose body does not arrive in time', async () => {
  const s = await open(portOf(server));
  const closed = untilClosed(s);
  const started = Date.now();
  s.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly a part');
  await closed;
  expect(handled).toBe(0);
  expect(Date.now() - started).toBeLessThan(5_000);
});
