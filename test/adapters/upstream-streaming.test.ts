// The gateway's upstream terminal streams the upstream body to the client when no stage
// reads responses: first bytes arrive while the upstream holds the rest; a client that
// goes away mid-body closes the upstream request (real sockets).
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { pipeline, type Pipeline } from '../../src/index.js';
import { auth } from '../../src/middleware/index.js';
import { quiet, serve } from './support/serve.js';
import { ISSUER, SECRET, T0, token } from './support/tokens.js';

let gateway = '';
let release!: () => void;
const released = new Promise<void>((r) => (release = r));
let upstreamClosed!: () => void;
const closedUpstream = new Promise<void>((r) => (upstreamClosed = r));
let p: Pipeline;

beforeAll(async () => {
  const origin = await serve(async (req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '12', 'x-up': '1' });
    res.write('first;');
    if (req.url === '/abandoned') {
      res.on('close', upstreamClosed);
      return; // the rest never comes
    }
    await released;
    res.end('second');
  });
  // auth has no response phase: nothing needs the upstream body whole.
  p = pipeline([auth({ secret: SECRET, issuer: ISSUER })], { clock: () => T0, logger: quiet, handler: origin });
  const server = await p.listen({ port: 0, host: '127.0.0.1' });
  gateway = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
// The test's own client, closed first: a spare connection it may hold open keeps
// server.close() waiting for its keep-alive timeout.
const agent = new Agent();
afterAll(async () => {
  await agent.close();
  await p.close();
});

const headers = { authorization: `Bearer ${token('ada')}` };

it('writes the first bytes before the upstream has sent the rest, with its content-length', async () => {
  const res = await request(`${gateway}/feed`, { headers, dispatcher: agent });
  expect(res.statusCode).toBe(200);
  expect(res.headers['x-up']).toBe('1');
  expect(res.headers['content-length']).toBe('12');
  const parts: string[] = [];
  for await (const chunk of res.body) {
    parts.push(String(chunk));
    if (parts.length === 1) release();
  }
  expect(parts).toEqual(['first;', 'second']);
});

it('closes the upstream request when the client goes away mid-body', async () => {
  const res = await request(`${gateway}/abandoned`, { headers, dispatcher: agent });
  for await (const chunk of res.body) {
    expect(String(chunk)).toBe('first;');
    break; // leaving the loop destroys the body: the client hangs up
  }
  await closedUpstream;
});
