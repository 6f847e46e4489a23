import { afterAll, beforeAll, expect, it } from 'vitest';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from '../src/index.js';
import { echo } from './support/components.js';

let upstream: Server;
let origin = '';
let seen: { url?: string; headers?: IncomingHttpHeaders; body?: string } = {};
beforeAll(async () => {
  upstream = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen = { url: req.url, headers: req.headers, body };
      if (req.url?.startsWith('/api/hang')) return; // never answers: the gateway times out
      res.writeHead(201, { 'content-type': 'text/plain', 'x-up': '1', connection: 'keep-alive', 'keep-alive': 'timeout=5' });
      res.end('from upstream');
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(() => {
  upstream.closeAllConnections();
  upstream.close();
});

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

it('forwards to an upstream URL with x-forwarded-* set and hop-by-hop headers stripped', async () => {
  // The client at 10.2.2.2 is a trusted proxy: its X-Forwarded-For is appended to.
  const p = pipeline([echo()], { handler: `${origin}/api`, upstream: { trustProxy: ['10.2.2.2'] }, logger: quiet });
  const res = await p.inject({
    method: 'PUT',
    url: '/things/1?q=2',
    headers: { 'x-echo-pass': '1', host: 'gw.example', connection: 'x-secret', 'x-secret': 's', 'x-forwarded-for': '10.1.1.1' },
    body: 'payload',
    remoteAddress: '10.2.2.2',
  });
  expect(res.status).toBe(201);
  expect(res.text()).toBe('from upstream');
  expect(res.headers['x-up']).toBe('1');
  expect(res.headers['keep-alive']).toBeUndefined();
  expect(res.headers['x-echo']).toBe('echo');
  expect(seen.url).toBe('/api/things/1?q=2');
  expect(seen.body).toBe('payload');
  expect(seen.headers?.['x-secret']).toBeUndefined();
  expect(seen.headers?.['x-forwarded-for']).toBe('10.1.1.1, 10.2.2.2');
  expect(seen.headers?.['x-forwarded-host']).toBe('gw.example');
  expect(seen.headers?.['x-forwarded-proto']).toBe('http');
  await p.close();
});

it('answers 504 when the upstream does not answer in time, 502 when it cannot be reached', async () => {
  const slow = pipeline([], { handler: `${origin}/api`, upstream: { timeoutMs: 200 }, logger: quiet });
  const res = await slow.inject({ url: '/hang' });
  expect(res.status).toBe(504);
  expect(res.json()).toMatchObject({ error: 'WITLINE_UPSTREAM_TIMEOUT' });
  await slow.close();

  const down = pipeline([], { handler: 'http://127.0.0.1:1', logger: quiet });
  const res2 = await down.inject({ url: '/x' });
  expect(res2.status).toBe(502);
  expect(res2.json()).toMatchObject({ error: 'WITLINE_UPSTREAM_FAILED' });
  await down.close();
});
