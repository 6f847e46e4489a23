import { afterAll, beforeAll, expect, it } from 'vitest';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from '../src/index.js';
import { echo } from './support/components.js';

const p = pipeline([echo()], { limits: { maxBodyBytes: 1024, maxHeaderBytes: 4096, maxUrlLength: 512 } });
let port = 0;
beforeAll(async () => {
  port = ((await p.listen({ port: 0, host: '127.0.0.1' })).address() as AddressInfo).port;
});
afterAll(() => p.close());

function send(opts: { method?: string; path?: string; headers?: Record<string, string>; chunks?: string[] }) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path ?? '/', headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    for (const c of opts.chunks ?? []) req.write(c);
    req.end();
  });
}

it('answers 413 for a declared content-length over the limit without reading it', async () => {
  const res = await send({ method: 'POST', headers: { 'content-length': '5000' }, chunks: ['x'.repeat(5000)] });
  expect(res.status).toBe(413);
  expect(JSON.parse(res.body)).toMatchObject({ error: 'WITLINE_BODY_TOO_LARGE' });
});

it('answers 413 for a chunked body that grows past the limit', async () => {
  const res = await send({ method: 'POST', chunks: ['x'.repeat(600), 'y'.repeat(600)] });
  expect(res.status).toBe(413);
});

it('answers 431 when Node refuses oversized headers', async () => {
  const res = await send({ headers: { 'x-big': 'v'.repeat(5000) } });
  expect(res.status).toBe(431);
  expect(JSON.parse(res.body)).toMatchObject({ error: 'WITLINE_HEADERS_TOO_LARGE' });
});

it('answers 414 for a long URL and keeps serving', async () => {
  expect((await send({ path: '/' + 'a'.repeat(600) })).status).toBe(414);
  const ok = await send({ method: 'POST', chunks: ['hello'] });
  expect(ok.status).toBe(200);
  expect(ok.body).toBe('hello');
});
