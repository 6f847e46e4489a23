// The gateway's upstream terminal keeps its connections to the upstream alive: requests
// one after another, buffered or streamed, share one connection (real sockets).
import { afterAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { pipeline, type Pipeline } from '../../src/index.js';
import { auth } from '../../src/middleware/index.js';
import { echo } from '../support/components.js';
import { quiet, serve } from './support/serve.js';
import { ISSUER, SECRET, T0, token } from './support/tokens.js';

const open: Pipeline[] = [];
afterAll(() => Promise.all(open.map((p) => p.close())));

const modes: Array<[string, (origin: string) => Pipeline]> = [
  ['buffered for a response phase', (handler) => pipeline([echo()], { logger: quiet, handler })],
  ['streamed', (handler) => pipeline([auth({ secret: SECRET, issuer: ISSUER })], { clock: () => T0, logger: quiet, handler })],
];

describe.each(modes)('%s', (_name, make) => {
  it('sends three requests over one upstream connection, x-forwarded-* set on each', async () => {
    const sockets = new Set<unknown>();
    const forwardedFor: string[] = [];
    const origin = await serve((req, res) => {
      sockets.add(req.socket);
      forwardedFor.push(String(req.headers['x-forwarded-for']));
      res.end('ok');
    });
    const p = make(origin);
    open.push(p);
    const server = await p.listen({ port: 0, host: '127.0.0.1' });
    const gateway = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (let i = 0; i < 3; i++) {
      const res = await request(`${gateway}/n${i}`, { headers: { authorization: `Bearer ${token('ada')}`, 'x-echo-pass': '1' } });
      expect(await res.body.text()).toBe('ok');
    }
    expect(sockets.size).toBe(1);
    expect(forwardedFor).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1']);
  });
});
