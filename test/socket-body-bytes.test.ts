// A response body reaches the client byte for byte, whatever its bytes and size: on
// witline's edge and behind toExpress (a held response), on both sides of the size up to
// which the body is written as a latin1 string with its head (core/end-body.ts).
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { pipeline } from '../src/index.js';
import { toExpress } from '../src/adapters/express.js';
import { echo } from './support/components.js';
import { quiet, serveExpress } from './adapters/support/serve.js';

const SIZES = [1, 255, 256, 4096, 16383, 16384, 16385, 70000];

/** `n` bytes of every value: all 256 first, then a fixed-seed xorshift sequence. */
function bytesOf(n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = i < 256 ? i : x & 0xff;
  }
  return out;
}

const BODIES: Record<string, Uint8Array> = Object.fromEntries(SIZES.map((n) => [`/b${n}`, bytesOf(n)]));
// UTF-8 with multi-byte characters, as a JSON API sends it.
BODIES['/utf8'] = new TextEncoder().encode(JSON.stringify({ name: 'Zoë', city: 'Kraków', mood: '😀', yen: '¥' }));

// The echo guest passes requests carrying x-echo-pass on, and its response phase sets
// x-echo: each body passes through guest memory.
const edge = pipeline([echo({ config: { tag: 'edge' } })], {
  handler: (req) => ({ status: 200, headers: { 'content-type': 'application/octet-stream' }, body: BODIES[req.uri] }),
  logger: quiet,
});
const held = pipeline([echo({ config: { tag: 'held' } })], { logger: quiet });
let edgeUrl = '';
let expressUrl = '';
beforeAll(async () => {
  const server = await edge.listen({ port: 0, host: '127.0.0.1' });
  edgeUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  expressUrl = await serveExpress((app) => {
    app.use(toExpress(held));
    app.get('/:body', (req, res) => {
      res.type('application/octet-stream').send(Buffer.from(BODIES[`/${req.params.body}`]));
    });
  });
});
afterAll(async () => {
  await edge.close();
  await held.close();
});

/** Every body from `base`, byte for byte and framed by its length, through the echo stage tagged `tag`. */
async function expectEveryBody(base: string, tag: string): Promise<void> {
  for (const [path, body] of Object.entries(BODIES)) {
    const res = await request(`${base}${path}`, { headers: { 'x-echo-pass': '1' } });
    expect(res.statusCode, path).toBe(200);
    expect(res.headers['x-echo'], path).toBe(tag);
    expect(res.headers['content-length'], path).toBe(String(body.byteLength));
    expect(Buffer.compare(new Uint8Array(await res.body.arrayBuffer()), body), path).toBe(0);
  }
}

it('sends every body byte for byte from witline’s edge, framed by its length', async () => {
  await expectEveryBody(edgeUrl, 'edge');
});

it('sends every body byte for byte behind toExpress, held for the response phase', async () => {
  await expectEveryBody(expressUrl, 'held');
});
