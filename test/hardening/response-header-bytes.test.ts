import { afterAll, expect, it } from 'vitest';
import { pipeline } from '../../src/index.js';
import { echo } from '../support/components.js';
import { quiet } from './support.js';

// Finding 4: a response head over `limits.maxResponseHeaderBytes` (16 KiB) is a 502, even
// with few fields; the limit is the pipeline's own and can be raised.
const value = 'v'.repeat(20 * 1024);
const handler = (big: boolean) => () => ({ status: 200, headers: big ? { 'x-big': value } : { 'x-small': 'v' } });
const strict = pipeline([], { logger: quiet, handler: handler(true) });
const raised = pipeline([], { logger: quiet, handler: handler(true), limits: { maxResponseHeaderBytes: 64 * 1024 } });
const guest = pipeline([echo()], { logger: quiet });
afterAll(() => Promise.all([strict.close(), raised.close(), guest.close()]));

it('answers 502 for a handler response head of 20 KiB', async () => {
  const res = await strict.inject();
  expect(res.status).toBe(502);
  expect(res.json()).toMatchObject({ error: 'WITLINE_GUEST_INVALID_OUTPUT' });
  expect(res.text()).toContain('maxResponseHeaderBytes');
});

it('lets it through when the pipeline raises maxResponseHeaderBytes', async () => {
  const res = await raised.inject();
  expect(res.status).toBe(200);
  expect(res.headers['x-big']).toBe(value);
});

it('answers 502 for a guest response head of 20 KiB (echo: a header whose value is the body)', async () => {
  const res = await guest.inject({ method: 'POST', headers: { 'x-echo-header-from-body': 'x-big' }, body: value });
  expect(res.status).toBe(502);
  expect(res.json()).toMatchObject({ error: 'WITLINE_GUEST_INVALID_OUTPUT' });
});

it('refuses a response limit that is not a positive integer', () => {
  expect(() => pipeline([], { limits: { maxResponseHeaderCount: 0 } })).toThrow(/maxResponseHeaderCount/);
});
