// `phases` narrows the phases witline calls to those named: the others are skipped
// (as if the component did not export them), fused and per hop alike; naming a phase the
// component lacks, or something that is no phase, is refused.
import { afterAll, expect, it } from 'vitest';
import { InvalidComponentError, InvalidConfigError, pipeline, stage, type Pipeline } from '../src/index.js';
import { auth, transform } from '../src/middleware/index.js';
import { echo } from './support/components.js';

const open: Pipeline[] = [];
afterAll(() => Promise.all(open.map((p) => p.close())));
const make = (...args: Parameters<typeof pipeline>) => {
  const p = pipeline(...args);
  open.push(p);
  return p;
};

it.each(['auto', 'off'] as const)('skips the phases a stage does not name (fusion %s)', async (fusion) => {
  const p = make([echo({ name: 'outer' }), echo({ name: 'inner', config: { tag: 'inner' }, phases: ['request'] })], {
    fusion,
    handler: () => ({ status: 200 }),
  });
  const res = await p.inject({ headers: { 'x-echo-pass': '1' } });
  // Both pass the request on; only the outer one's response phase runs.
  expect(res.headers['x-echo']).toBe('echo');
  expect(p.describe().stages.map((s) => s.phases)).toEqual([['request', 'response'], ['request']]);
});

it('calls only the phase a transform has rules for', async () => {
  const p = make([transform({ response: { setHeaders: { 'x-out': '1' } } }), transform({ request: { setHeaders: { 'x-in': '1' } } })], {
    handler: (req) => ({ status: 200, headers: { 'x-saw-in': String(req.headers.some(([k]) => k === 'x-in')) } }),
  });
  const res = await p.inject();
  expect(res.headers).toMatchObject({ 'x-out': '1', 'x-saw-in': 'true' });
  expect(p.describe().stages.map((s) => s.phases)).toEqual([['response'], ['request']]);
});

it('refuses a phase the component does not export, and a value that is no phase', async () => {
  // auth exports only a request phase.
  const p = make([stage({ ...auth({ secret: 'a-secret-of-enough-length-0123456789' }), phases: ['response'] })]);
  await expect(p.ready()).rejects.toThrow(InvalidComponentError);
  await expect(p.ready()).rejects.toThrow(/names the response phase, which its component does not export/);
  expect(() => echo({ phases: [] })).toThrow(InvalidConfigError);
  expect(() => echo({ phases: ['respond' as never] })).toThrow(InvalidConfigError);
});
