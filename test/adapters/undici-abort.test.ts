// The caller's abort rejects the call with its reason and closes the request to the
// server, whether the response was to be collected or relayed (real sockets).
import { afterAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import type { Pipeline } from '../../src/index.js';
import { toUndiciInterceptor } from '../../src/adapters/undici.js';
import { serve } from './support/serve.js';
import { modes, passHeaders } from './support/undici-setups.js';

const agent = new Agent();
const open: Pipeline[] = [];
afterAll(async () => {
  await Promise.all(open.map((p) => p.close()));
  await agent.close();
});

describe.each(modes)('%s', (_name, make) => {
  it('rejects with the abort reason; the server sees the connection close', async () => {
    const p = make();
    open.push(p);
    const dispatcher = agent.compose(toUndiciInterceptor(p));
    let arrived!: () => void;
    const atServer = new Promise<void>((r) => (arrived = r));
    let closed!: () => void;
    const closedAtServer = new Promise<void>((r) => (closed = r));
    const origin = await serve((req) => {
      req.socket.on('close', closed);
      arrived(); // and never answers
    });
    const ac = new AbortController();
    const call = request(`${origin}/hang`, { dispatcher, headers: passHeaders, signal: ac.signal });
    await atServer;
    ac.abort(new Error('gave up'));
    await expect(call).rejects.toThrow('gave up');
    await closedAtServer;
  });
});
