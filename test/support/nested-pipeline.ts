// Run by test/sandbox/frame-nested-pipeline.test.ts in a child process (a main thread that
// hangs must not hang the test runner): a fused pipeline whose handler calls a second fused
// pipeline with a looping stage. Prints what both answered, as JSON.
import { pipeline } from '../../src/index.js';
import { echo, hostile } from './components.js';

const inner = pipeline([echo({ name: 'inner-echo', config: { tag: 'inner' } }), hostile({ timeoutMs: 100 })], {
  handler: () => ({ status: 200, body: 'inner' }),
});
const outer = pipeline([echo({ name: 'a', config: { tag: 'a' } }), echo({ name: 'b', config: { tag: 'b' } })], {
  handler: async (req) => {
    const res = await inner.handle({ method: 'GET', uri: req.uri, headers: [['x-echo-pass', '1']] }, { remoteAddress: '127.0.0.1' });
    return { status: 200, headers: [['x-inner-status', String(res.status)]], body: 'outer' };
  },
  logger: { debug() {}, info() {}, warn() {}, error() {} },
});
await Promise.all([inner.ready(), outer.ready()]);
const res = await outer.inject({ url: '/loop', headers: { 'x-echo-pass': '1' } });
process.stdout.write(
  JSON.stringify({
    modes: [inner, outer].map((p) => p.describe().segments.map((s) => s.mode)),
    status: res.status,
    inner: res.headers['x-inner-status'],
    echo: res.headers['x-echo'],
    replaced: [inner, outer].map((p) => p.describe().stages.map((s) => s.replacedInstances)),
  }),
);
await Promise.all([outer.close(), inner.close()]);
