// Bodies a guest returns are bounded before they are copied out: a request body over
// limits.maxBodyBytes, or a response body over upstream.maxResponseBytes, is invalid (502).
import { afterAll, expect, it } from 'vitest';
import { pipeline } from '../../src/index.js';
import { hostile } from '../support/components.js';

const p = pipeline([hostile()], {
  handler: (req) => ({ status: 200, body: String(req.body?.byteLength) }),
  limits: { maxBodyBytes: 1000 },
  upstream: { maxResponseBytes: 2000 },
});
afterAll(() => p.close());

const body = (bytes: number, pass: boolean) => p.inject({ url: '/body', headers: { 'x-body-bytes': String(bytes), ...(pass && { 'x-pass': '1' }) } });

it('bounds the body of a request a guest passes on by limits.maxBodyBytes', async () => {
  const ok = await body(1000, true);
  expect(ok.status).toBe(200);
  expect(ok.body.toString()).toBe('1000');
  const over = await body(1001, true);
  expect(over.status).toBe(502);
  expect(over.json()).toEqual({
    error: 'WITLINE_GUEST_INVALID_OUTPUT',
    message: "stage 'hostile' returned an invalid value: a body of 1001 bytes, more than 1000",
  });
});

it('bounds the body of a response a guest returns by upstream.maxResponseBytes', async () => {
  expect((await body(2000, false)).status).toBe(200);
  const over = await body(2001, false);
  expect(over.status).toBe(502);
  expect((over.json() as { message: string }).message).toContain('a body of 2001 bytes, more than 2000');
});
