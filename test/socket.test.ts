import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { pipeline } from '../src/index.js';
import { echo } from './support/components.js';

const p = pipeline([echo({ config: { tag: 'edge' } })], {
  handler: (req, ctx) => ({
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ uri: req.uri, from: ctx.remoteAddress, len: req.body?.byteLength ?? null }),
  }),
});
let base = '';
beforeAll(async () => {
  const server = await p.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => p.close());

it('serves a request through the component on a real socket', async () => {
  const res = await request(`${base}/items?x=1`, { method: 'POST', headers: { 'x-echo-pass': '1' }, body: 'abc' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['x-echo']).toBe('edge');
  expect(res.headers['content-length']).toBe(String(Number(res.headers['content-length'])));
  expect(await res.body.json()).toEqual({ uri: '/items?x=1', from: '127.0.0.1', len: 3 });
});

it('gives a GET without a body no body, and the guest answer on a short-circuit', async () => {
  const res = await request(`${base}/reflect`, { headers: { 'x-one': 'v' } });
  expect(res.statusCode).toBe(200);
  expect(res.headers['x-echo-h-x-one']).toBe('v');
  expect(await res.body.text()).toBe('');
});

it('keeps many concurrent connections answered', async () => {
  const all = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      request(`${base}/n${i}`, { headers: { 'x-echo-pass': '1' } }).then(async (r) => [r.statusCode, ((await r.body.json()) as { uri: string }).uri]),
    ),
  );
  expect(all).toEqual(Array.from({ length: 50 }, (_, i) => [200, `/n${i}`]));
});
