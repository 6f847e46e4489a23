// A stage's response is checked against the pipeline's own response limits, not the
// defaults: with `maxResponseHeaderCount: 50`, a guest answering with 80 headers (within the
// raised request limits, which bound the lift) is a 502 per hop, fused and pooled alike;
// with 40 it is served.
import { afterAll, expect, it } from 'vitest';
import { pipeline } from '../../src/index.js';
import { hostile } from '../support/components.js';
import { quiet } from './support.js';

const limits = { maxHeaderCount: 500, maxHeaderBytes: 64 * 1024, maxResponseHeaderCount: 50 };
const pipelines = {
  'per hop': pipeline([hostile()], { logger: quiet, limits, fusion: 'off' }),
  fused: pipeline([hostile({ name: 'a' }), hostile({ name: 'b' })], { logger: quiet, limits }),
  pooled: pipeline([hostile({ pool: { minThreads: 1, maxThreads: 1 } })], { logger: quiet, limits }),
};
afterAll(() => Promise.all(Object.values(pipelines).map((p) => p.close())));

const alias = (count: number) => ({ url: '/alias', headers: { 'x-alias-count': String(count), 'x-alias-bytes': '1' } });

it.each(Object.entries(pipelines))('answers 502 past the configured response header count (%s)', async (_, p) => {
  const res = await p.inject(alias(80));
  expect(res.status).toBe(502);
  expect(res.json()).toMatchObject({ error: 'WITLINE_GUEST_INVALID_OUTPUT' });
  expect(res.text()).toContain('more than maxResponseHeaderCount (50)');
  expect((await p.inject(alias(40))).status).toBe(200);
});
