// failurePolicy 'open': a stage that fails (trap, timeout, invalid output) is skipped for
// that request, which goes on as the stage received it; logged, and counted in describe().
// The default, 'closed', answers with the error.
import { afterAll, expect, it } from 'vitest';
import { pipeline } from '../../src/index.js';
import { echo, hostile } from '../support/components.js';

const warnings: string[] = [];
const logger = { debug() {}, info() {}, error() {}, warn: (m: string) => void warnings.push(m) };
const handler = (req: { uri: string; headers: ReadonlyArray<readonly [string, string]> }) => ({
  status: 200,
  body: JSON.stringify({ uri: req.uri, trail: req.headers.filter(([k]) => k === 'x-echo-trail').map(([, v]) => v) }),
});
const p = pipeline([echo({ config: { tag: 'first' } }), hostile({ failurePolicy: 'open', timeoutMs: 100 }), echo({ name: 'last', config: { tag: 'last' } })], {
  handler,
  logger,
});
afterAll(() => p.close());

it('skips the failed stage and passes the request on unmodified', async () => {
  for (const uri of ['/trap', '/loop', '/alias']) {
    const res = await p.inject({ url: uri, headers: { 'x-echo-pass': '1', 'x-alias-count': '200', 'x-alias-bytes': '1' } });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ uri, trail: ['first', 'last'] });
  }
  expect(warnings).toHaveLength(3);
  expect(warnings[0]).toBe("stage 'hostile' failed in its request phase and was skipped (failurePolicy 'open')");
  const [, stage] = p.describe().stages;
  expect(stage).toMatchObject({ name: 'hostile', failures: 3, skipped: 3, replacedInstances: 3 });
  // The stage is alone in its segment: its neighbours stay fused or per hop around it.
  expect(p.describe().segments.map((s) => s.stages)).toEqual([['echo'], ['hostile'], ['last']]);
  const ok = await p.inject({ url: '/', headers: { 'x-echo-pass': '1', 'x-pass': '1' } });
  expect(ok.status).toBe(200);
});

it("answers with the error under the default 'closed'", async () => {
  const q = pipeline([hostile({ timeoutMs: 100 })], { handler, logger });
  try {
    expect((await q.inject({ url: '/trap' })).status).toBe(500);
    expect((await q.inject({ url: '/loop' })).status).toBe(503);
    expect(q.describe().stages[0]).toMatchObject({ failures: 2, skipped: 0 });
  } finally {
    await q.close();
  }
});
