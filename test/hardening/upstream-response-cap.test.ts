import { afterAll, beforeAll, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { pipeline } from '../../src/index.js';
import { echo } from '../support/components.js';
import { portOf, quiet } from './support.js';

// An upstream body held for a response phase is bounded by `upstream.maxResponseBytes`:
// past it, 502 and the upstream's stream is dropped (not buffered on).
let upstream: Server;
beforeAll(async () => {
  upstream = createServer((_req, res) => res.end('u'.repeat(4096)));
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
});
afterAll(() => upstream.close());

it('answers 502 for an upstream body over maxResponseBytes, 200 under it', async () => {
  const origin = `http://127.0.0.1:${portOf(upstream)}`;
  const small = pipeline([echo()], { handler: origin, upstream: { maxResponseBytes: 1024 }, logger: quiet });
  const large = pipeline([echo()], { handler: origin, upstream: { maxResponseBytes: 8192 }, logger: quiet });
  const over = await small.inject({ headers: { 'x-echo-pass': '1' } });
  expect(over.status).toBe(502);
  expect(over.json()).toMatchObject({ error: 'WITLINE_UPSTREAM_FAILED' });
  expect((await large.inject({ headers: { 'x-echo-pass': '1' } })).body.byteLength).toBe(4096);
  await Promise.all([small.close(), large.close()]);
});
