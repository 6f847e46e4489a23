import { afterAll, expect, it } from 'vitest';
import { pipeline } from '../src/index.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

it('answers 500 with a stable code when the handler throws, and keeps serving', async () => {
  let fail = true;
  const p = pipeline([], {
    logger: quiet,
    handler: () => {
      if (fail) throw new Error('boom');
      return { status: 201, body: 'made' };
    },
  });
  const res = await p.inject();
  expect(res.status).toBe(500);
  expect(res.json()).toEqual({ error: 'WITLINE_HANDLER_FAILED', message: 'the request handler failed' });
  fail = false;
  const ok = await p.inject();
  expect(ok.status).toBe(201);
  expect(ok.text()).toBe('made');
  await p.close();
});

it('answers 502 when the handler returns an invalid response', async () => {
  const p = pipeline([], { logger: quiet, handler: () => ({ status: 200, headers: { 'x-a': 'b\r\nc' } }) });
  expect((await p.inject()).status).toBe(502);
  await p.close();
});

it('answers 404 with no handler, in the error shape, and 503 once closed', async () => {
  const p = pipeline([]);
  const missing = await p.inject();
  expect(missing.status).toBe(404);
  expect(missing.headers['content-type']).toBe('application/json');
  expect(missing.json()).toEqual({ error: 'WITLINE_NOT_FOUND', message: 'the pipeline has no handler for this request' });
  await p.close();
  expect((await p.inject()).status).toBe(503);
});
