// bench/hop-check: the cost of checking a guest's output before a fused hop copies it into
// the next guest (src/abi/hop-check.ts), against the hop without it. Two live echo
// instances, the bench/hops reference request (5 headers, 200-byte body); each operation
// is one request phase of A, then (with or without the check) the copy into B. Alternated
// in repetitions, medians. Print-only.
// Run: node --import tsx bench/hop-check.ts
import { bundledComponent } from '../src/middleware/bundled.js';
import { transpileCached } from '../src/component/cache.js';
import { readComponent } from '../src/component/load.js';
import { directModule, instantiateDirect } from '../src/component/direct.js';
import { MemoryStore } from '../src/host/kv.js';
import { CallContext } from '../src/host/call-context.js';
import { lowerRequest } from '../src/abi/lower.js';
import { copyRequest } from '../src/abi/hop.js';
import { invalidHop } from '../src/abi/hop-check.js';
import { hopKind } from '../src/abi/wasm-hop.js';
import { ACTION } from '../src/abi/layout.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const body = new Uint8Array(200).fill(0x61);
const req = {
  method: 'POST',
  uri: '/v1/items?limit=10',
  headers: [
    ['host', 'api.example.com'],
    ['user-agent', 'witline-bench/1.0'],
    ['accept', 'application/json'],
    ['content-type', 'application/json'],
    ['x-echo-pass', '1'],
  ] as Array<[string, string]>,
  body,
};

const component = await transpileCached(await readComponent(bundledComponent('echo')));
const module = directModule(component)!;
const host = { kv: new MemoryStore(), clock: Date.now, logger: quiet, call: new CallContext() };
const [A, B] = [0, 1].map(() => {
  const g = instantiateDirect(module, component, 'echo', ['log'], host);
  g.configure?.([['trail', 'set']]);
  return g.core;
});
const a = new Int32Array(14);
const b = new Int32Array(14);
const N = Number(process.env.BENCH_ITER ?? 200_000);
const REPS = Number(process.env.BENCH_REPS ?? 7);

function hop(check: boolean): void {
  lowerRequest(A.mem, req, a, 0);
  const ret = A.onRequest!(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]);
  A.mem.refresh();
  if (check && invalidHop(A.mem, ret + ACTION.payload, 'request') !== undefined) throw new Error('unexpected');
  copyRequest(A.mem, ret + ACTION.payload, B.mem, b, 0);
  A.postOnRequest!(ret);
  B.postOnRequest!(0);
}

function time(check: boolean): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) hop(check);
  return Number(process.hrtime.bigint() - t0) / N;
}

function checkOnly(): number {
  lowerRequest(A.mem, req, a, 0);
  const ret = A.onRequest!(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]);
  A.mem.refresh();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) invalidHop(A.mem, ret + ACTION.payload, 'request');
  const ns = Number(process.hrtime.bigint() - t0) / N;
  A.postOnRequest!(ret);
  return ns;
}

for (let i = 0; i < N / 4; i++) (hop(true), hop(false));
const off: number[] = [];
const on: number[] = [];
const alone: number[] = [];
for (let r = 0; r < REPS; r++) {
  off.push(time(false));
  on.push(time(true));
  alone.push(checkOnly());
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const [m0, m1, mc] = [median(off), median(on), median(alone)];
console.log(`node ${process.version}, ${hopKind(A.mem, B.mem)} hop; ${REPS} alternated reps x ${N} ops, medians`);
console.log(`request phase + hop, no check: ${m0.toFixed(0)} ns`);
console.log(`request phase + hop, checked:  ${m1.toFixed(0)} ns  (+${(m1 - m0).toFixed(0)} ns, ${(((m1 - m0) / m0) * 100).toFixed(1)}%)`);
console.log(`the check alone: ${mc.toFixed(0)} ns  (reps: ${alone.map((x) => x.toFixed(0)).join(' ')})`);
