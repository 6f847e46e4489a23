// A network failure reaches the caller as undici's own error, as it would without the
// interceptor, whether the response was to be collected or relayed (real sockets).
import { afterAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import type { Pipeline } from '../../src/index.js';
import { toUndiciInterceptor } from '../../src/adapters/undici.js';
import { modes, passHeaders } from './support/undici-setups.js';

const agent = new Agent();
const open: Pipeline[] = [];
afterAll(async () => {
  await Promise.all(open.map((p) => p.close()));
  await agent.close();
});

describe.each(modes)('%s', (_name, make) => {
  it('a refused connection rejects with ECONNREFUSED', async () => {
    const p = make();
    open.push(p);
    const dispatcher = agent.compose(toUndiciInterceptor(p));
    await expect(request('http://127.0.0.1:1/x', { dispatcher, headers: passHeaders })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
