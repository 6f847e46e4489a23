// Without a response phase the network response streams to the caller as it arrives,
// with its own headers; with one, it is collected first (real sockets).
import { afterAll, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { pipeline } from '../../src/index.js';
import { toUndiciInterceptor } from '../../src/adapters/undici.js';
import { auth } from '../../src/middleware/index.js';
import { quiet, serve } from './support/serve.js';
import { ISSUER, SECRET, T0, token } from './support/tokens.js';

const p = pipeline([auth({ secret: SECRET, issuer: ISSUER })], { clock: () => T0, logger: quiet });
const agent = new Agent();
afterAll(async () => {
  await p.close();
  await agent.close();
});

it('relays the first bytes while the server still holds the rest', async () => {
  let clientSawFirst!: () => void;
  const firstSeen = new Promise<void>((r) => (clientSawFirst = r));
  const origin = await serve(async (req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'x-origin': req.headers.authorization ? 'authed' : 'anon' });
    res.write('first;');
    await firstSeen;
    res.end('second');
  });
  const dispatcher = agent.compose(toUndiciInterceptor(p));
  const res = await request(`${origin}/feed`, { dispatcher, headers: { authorization: `Bearer ${token('svc')}` } });
  expect(res.statusCode).toBe(200);
  expect(res.headers['x-origin']).toBe('authed');
  expect(res.headers['transfer-encoding']).toBe('chunked'); // the origin's own framing, relayed
  const parts: string[] = [];
  for await (const chunk of res.body) {
    parts.push(String(chunk));
    if (parts.length === 1) clientSawFirst();
  }
  expect(parts).toEqual(['first;', 'second']);
});
