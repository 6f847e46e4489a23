// Limits: a request body over `limits.maxBodyBytes` answers 413 as witline's edge does,
// without going out; a response over `maxResponseBytes`, collected for a response
// phase, fails the call.
import { afterAll, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { pipeline, type Pipeline } from '../../src/index.js';
import { toUndiciInterceptor } from '../../src/adapters/undici.js';
import { echo } from '../support/components.js';
import { quiet, serve } from './support/serve.js';

const agent = new Agent();
const open: Pipeline[] = [];
afterAll(async () => {
  await Promise.all(open.map((p) => p.close()));
  await agent.close();
});

it('a request body over the limit answers 413 without going out', async () => {
  const p = pipeline([echo()], { logger: quiet, limits: { maxBodyBytes: 10 } });
  open.push(p);
  const dispatcher = agent.compose(toUndiciInterceptor(p));
  const res = await request('http://127.0.0.1:1/never', { dispatcher, method: 'POST', body: 'x'.repeat(11) });
  expect(res.statusCode).toBe(413);
  expect(await res.body.json()).toEqual({ error: 'WITLINE_BODY_TOO_LARGE', message: 'request body exceeds 10 bytes' });
});

it('a response over maxResponseBytes fails the call with WITLINE_UPSTREAM_FAILED', async () => {
  const p = pipeline([echo()], { logger: quiet });
  open.push(p);
  const origin = await serve((_req, res) => res.end('z'.repeat(5000)));
  const dispatcher = agent.compose(toUndiciInterceptor(p, { maxResponseBytes: 1000 }));
  await expect(request(`${origin}/big`, { dispatcher, headers: { 'x-echo-pass': '1' } })).rejects.toMatchObject({ code: 'WITLINE_UPSTREAM_FAILED' });
});
