// bench/hops: what one hop costs. Chains of 1–16 stages in four modes, on the same
// reference request, in one process, interleaved, medians of several repetitions:
//   jco    — jco's generated bindings, per hop (awaited)
//   codec  — witline's codec over the core exports, per hop (awaited)
//   fused  — adjacent stages fused: memory-to-memory hops, no awaits inside
//   js     — plain JS functions doing the same work, per hop (awaited)
// plus instantiation time from a compiled module and resident memory per live instance,
// the guest SDK's SHA-256 per 64-byte block against node:crypto's, and what the sandbox
// costs: the bundled middleware with deadlines and memory caps (the defaults) against the
// same stages with `timeoutMs: 0, maxMemoryBytes: 0` (no rewrite).
// Run: npm run bench:hops   (on the machine's Node and on Node 26: bench/results/hops-node<major>.{json,md})
//      node --expose-gc --import tsx bench/hops.ts   (this Node only)
//      BENCH_ONLY=sha256 npm run bench:hops   (that section alone, printed, nothing written)
//      BENCH_ONLY=sandbox npm run bench:hops   (the sandbox comparison alone, printed, nothing written)
// Where the runtime has JSPI (Node 26), it then prints (only) what a suspending kv call
// costs: see jspiSection(). BENCH_ONLY=jspi runs that section alone.
import { writeFile, mkdir } from 'node:fs/promises';
import { cpus } from 'node:os';
import { createHmac } from 'node:crypto';
import { pipeline, stage, type WitRequest, type WitResponse } from '../src/index.js';
import { auth } from '../src/middleware/auth.js';
import { signature } from '../src/middleware/signature.js';
import { bundledComponent } from '../src/middleware/bundled.js';
import { transpileCached } from '../src/component/cache.js';
import { readComponent } from '../src/component/load.js';
import { directModule, instantiateDirect } from '../src/component/direct.js';
import { CallContext } from '../src/host/call-context.js';
import { MemoryStore, type KvStore } from '../src/host/kv.js';
import type { AsyncKvStore } from '../src/host/async-kv.js';
import { lowerRequest } from '../src/abi/lower.js';
import { liftRequest } from '../src/abi/lift.js';
import { copyRequest } from '../src/abi/hop.js';
import { HostMemory } from '../src/abi/host-memory.js';
import { ComponentLoadError } from '../src/core/errors.js';
import { conformanceGuest } from '../test/conformance/build.js';
import { rateLimit } from '../src/middleware/rate-limit.js';
import { transform } from '../src/middleware/transform.js';
// The HTTP benchmark's workload (a plain .mjs module), shared
import { benchToken, CLIENT_HEADER, CLIENT_ID, PATH, RATE, SECRET } from './http/workload.mjs';

const LENGTHS = [1, 2, 4, 8, 16];
const REPS = Number(process.env.BENCH_REPS ?? 5);
const ITER = Number(process.env.BENCH_ITER ?? 4000);
const quick = process.env.BENCH_QUICK === '1';
// One result file per Node major: the runtimes differ (Node 22+ runs the fused hop in WebAssembly).
const RESULTS = `hops-node${process.versions.node.split('.')[0]}`;

// The reference request: 5 headers and a 200-byte body. Each stage does the same work in
// every mode: the request phase sets `x-echo-trail`, the response phase sets `x-echo`
// (the echo guest with `trail: set`), so the request does not grow along the chain.
const body = new Uint8Array(200).fill(0x61);
const headers: Array<[string, string]> = [
  ['host', 'api.example.com'],
  ['user-agent', 'witline-bench/1.0'],
  ['accept', 'application/json'],
  ['content-type', 'application/json'],
  ['x-echo-pass', '1'],
];
const reference = (): WitRequest => ({ method: 'POST', uri: '/v1/items?limit=10', headers: headers.slice(), body });
const ctx = { remoteAddress: '127.0.0.1' };
const answer: WitResponse = { status: 200, headers: [['content-type', 'application/json']], body: new TextEncoder().encode('{"ok":true}') };
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

type Mode = 'jco' | 'codec' | 'fused' | 'js';
const MODES: Mode[] = ['jco', 'codec', 'fused', 'js'];
// Progress goes to stderr: stdout carries the results table.
const progress = (line: string) => process.stderr.write(`bench/hops: ${line}\n`);

function setHeader(h: Array<[string, string]>, name: string, value: string): Array<[string, string]> {
  const out = h.filter(([k]) => k.toLowerCase() !== name);
  out.push([name, value]);
  return out;
}

/** A runner for `n` stages in a mode: returns a function handling one request. */
async function runner(mode: Mode, n: number): Promise<{ run: () => Promise<unknown>; close: () => Promise<void> }> {
  if (mode === 'js') {
    const stages = Array.from({ length: n }, (_, i) => ({
      onRequest: async (req: WitRequest) => ({ tag: 'next' as const, val: { ...req, headers: setHeader(req.headers, 'x-echo-trail', `t${i}`) } }),
      onResponse: async (_req: WitRequest, resp: WitResponse) => ({ ...resp, headers: setHeader(resp.headers, 'x-echo', `t${i}`) }),
    }));
    return {
      async run() {
        let req = reference();
        const seen: WitRequest[] = [];
        for (const s of stages) {
          seen.push(req);
          req = (await s.onRequest(req)).val;
        }
        let resp = answer;
        for (let i = stages.length - 1; i >= 0; i--) resp = await stages[i].onResponse(seen[i], resp);
        return resp;
      },
      close: async () => {},
    };
  }
  const stages = Array.from({ length: n }, (_, i) =>
    stage({ component: bundledComponent('echo'), config: { tag: `t${i}`, trail: 'set' }, capabilities: ['log'] }),
  );
  const p = pipeline(stages, { handler: () => answer, logger: quiet, binding: mode === 'jco' ? 'jco' : 'codec', fusion: mode === 'fused' ? 'auto' : 'off' });
  await p.ready();
  const check = await p.handle(reference(), ctx);
  if (check.status !== 200 || !check.headers.some(([k, v]) => k === 'x-echo' && v === 't0')) throw new Error(`${mode}: wrong answer`);
  return { run: () => p.handle(reference(), ctx), close: () => p.close() };
}

async function nsPerRequest(run: () => Promise<unknown>, iterations: number): Promise<number> {
  for (let i = 0; i < iterations / 4; i++) await run();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await run();
  return Number(process.hrtime.bigint() - t0) / iterations;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Least-squares slope of ns over chain length: the marginal cost of one more stage. */
function slope(points: Array<[number, number]>): number {
  const mx = points.reduce((a, [x]) => a + x, 0) / points.length;
  const my = points.reduce((a, [, y]) => a + y, 0) / points.length;
  const num = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const den = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return num / den;
}

async function chains() {
  const runners = new Map<string, Awaited<ReturnType<typeof runner>>>();
  progress(`loading ${MODES.length * LENGTHS.length} chains (${MODES.join(', ')} × ${LENGTHS.join(', ')} stages)`);
  for (const mode of MODES) for (const n of LENGTHS) runners.set(`${mode}:${n}`, await runner(mode, n));
  const samples = new Map<string, number[]>();
  for (let rep = 0; rep < REPS; rep++) {
    for (const [i, n] of LENGTHS.entries()) {
      progress(`chains: rep ${rep + 1}/${REPS}, ${n} stage${n > 1 ? 's' : ''} [${i + 1}/${LENGTHS.length}], modes ${MODES.join(', ')}`);
      for (const mode of MODES) {
        const key = `${mode}:${n}`;
        const ns = await nsPerRequest(runners.get(key)!.run, Math.max(200, Math.round(ITER / n)));
        samples.set(key, [...(samples.get(key) ?? []), ns]);
      }
    }
  }
  for (const r of runners.values()) await r.close();
  const result: Record<Mode, { ns: Record<number, number>; marginalNs: number }> = {} as never;
  for (const mode of MODES) {
    const ns: Record<number, number> = {};
    for (const n of LENGTHS) ns[n] = Math.round(median(samples.get(`${mode}:${n}`)!));
    result[mode] = { ns, marginalNs: Math.round(slope(LENGTHS.map((n) => [n, ns[n]]))) };
  }
  return result;
}

async function instantiation() {
  const component = await transpileCached(await readComponent(bundledComponent('echo')));
  const module = directModule(component);
  if (!module) throw new Error('echo is not directly instantiable');
  const host = { kv: new MemoryStore(), clock: Date.now, logger: quiet, call: new CallContext() };
  const make = () => {
    const g = instantiateDirect(module, component, 'echo', ['log'], host);
    g.configure?.([['tag', 'x']]);
    return g;
  };
  // Resident memory per extra live instance, measured first, before the timing loops below
  // leave thousands of dead instances for the GC to release in the middle of the reading.
  const gc = (globalThis as { gc?: () => void }).gc;
  make();
  gc?.();
  gc?.();
  const before = process.memoryUsage().rss;
  const live = Array.from({ length: 1000 }, make);
  for (const g of live) {
    // Touch each instance the way a request does, so its arena pages are resident.
    const a = new Int32Array(14);
    g.core.mem.writeString('GET', a, 0);
  }
  gc?.();
  const after = process.memoryUsage().rss;
  void live.length;

  for (let i = 0; i < 200; i++) make();
  const N = quick ? 200 : 2000;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) make();
  const directUs = Number(process.hrtime.bigint() - t0) / N / 1000;
  // jco's instantiate of the same component, for comparison.
  const imports = { 'witline:middleware/log': { log() {} } };
  const get = (name: string) => component.cores.get(name)!;
  const M = quick ? 50 : 300;
  const t1 = process.hrtime.bigint();
  for (let i = 0; i < M; i++) await component.instantiate(get, imports);
  const jcoUs = Number(process.hrtime.bigint() - t1) / M / 1000;

  return { directUs: +directUs.toFixed(1), jcoUs: +jcoUs.toFixed(1), rssPerInstanceKB: +((after - before) / 1000 / 1024).toFixed(1) };
}

/**
 * Where a hop's time goes: each step of a fused hop and of a per-hop call, timed alone
 * on two live echo instances with the reference request (ns per operation).
 */
async function profile() {
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
  const req = reference();
  const N = quick ? 20_000 : 200_000;
  const time = (f: () => void) => {
    for (let i = 0; i < N / 10; i++) f();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) f();
    return Math.round(Number(process.hrtime.bigint() - t0) / N);
  };
  const call = (c: typeof A, x: Int32Array) => c.onRequest!(x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], x[8]);
  const lower = time(() => {
    lowerRequest(A.mem, req, a, 0);
    A.postOnRequest!(0);
  });
  const lowerCall = time(() => {
    lowerRequest(A.mem, req, a, 0);
    A.postOnRequest!(call(A, a));
  });
  lowerRequest(A.mem, req, a, 0);
  const out = call(A, a) + 4; // A's next(request), kept (not post-returned) while B copies it
  const hop = time(() => {
    copyRequest(A.mem, out, B.mem, b, 0);
    B.postOnRequest!(0);
  });
  const snap = new HostMemory();
  const snapshot = time(() => {
    snap.reset();
    snap.takeRequest(A.mem, out, b);
  });
  const lift = time(() => void liftRequest(A.mem, out));
  A.postOnRequest!(out - 4);
  const realloc = time(() => {
    A.mem.alloc(16, 1);
    A.postOnRequest!(0);
  });
  return { lowerNs: lower, guestRequestPhaseNs: lowerCall - lower, hopCopyNs: hop, snapshotNs: snapshot, liftNs: lift, reallocPlusPostReturnNs: realloc };
}

/**
 * SHA-256 per 64-byte block, guest vs node:crypto, in CPU ns per block: the signature stage
 * verifying bodies through `p.inject()`, less the same loop through a request-only
 * pass-through stage (the cost of carrying the request), against node:crypto's HMAC of
 * the same bytes (createHmac to digest), interleaved.
 */
const SHA_REPS = REPS * 3;

async function sha256Blocks() {
  const SECRET = 'bench-secret';
  const sizes = [1024, 65_536, 1_048_576];
  const cases = sizes.map((n) => {
    const body = new Uint8Array(n).map((_, i) => (i * 131 + 7) & 0xff);
    const sig = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    return { n, body, req: { method: 'POST', body, headers: { 'x-hub-signature-256': sig, 'x-api-key': 'bench-key' } } };
  });
  const handler = () => ({ status: 204 });
  const sig = pipeline([signature({ secret: SECRET })], { handler, logger: quiet });
  // The pass-through is request-only like the signature stage, so carrying the request costs the same in both:
  // auth admitting an API key (whose own hash is one block).
  const pass = pipeline([auth({ apiKeys: ['bench-key'] })], { handler, logger: quiet });
  for (const c of cases)
    if ((await sig.inject(c.req)).status !== 204 || (await pass.inject(c.req)).status !== 204) throw new Error(`sha256: the guest refused a ${c.n}-byte body`);
  const nsPerCall = async (f: () => unknown, n: number) => {
    const iterations = Math.max(4, Math.round((quick ? 1 << 21 : 1 << 23) / Math.max(n, 4096)));
    for (let i = 0; i < iterations / 4; i++) await f();
    // CPU time, not wall time: on a shared machine the time spent descheduled is not ours.
    const t0 = process.cpuUsage();
    for (let i = 0; i < iterations; i++) await f();
    const t = process.cpuUsage(t0);
    return ((t.user + t.system) * 1000) / iterations;
  };
  const samples = cases.map(() => ({ sig: [] as number[], pass: [] as number[], node: [] as number[] }));
  // The first two rounds only warm up: V8 is still tiering the guests and the HMAC path up.
  for (let rep = -2; rep < SHA_REPS; rep++) {
    for (const [i, c] of cases.entries()) {
      const sigNs = await nsPerCall(() => sig.inject(c.req), c.n);
      const passNs = await nsPerCall(() => pass.inject(c.req), c.n);
      const nodeNs = await nsPerCall(() => createHmac('sha256', SECRET).update(c.body).digest(), c.n);
      if (rep < 0) continue;
      samples[i].sig.push(sigNs);
      samples[i].pass.push(passNs);
      samples[i].node.push(nodeNs);
    }
  }
  await sig.close();
  await pass.close();
  const m = samples.map((s) => ({ sig: median(s.sig), pass: median(s.pass), node: median(s.node) }));
  return cases.map((c, i) => {
    const blocks = c.n / 64;
    const guestNs = (m[i].sig - m[i].pass) / blocks;
    const nodeNs = m[i].node / blocks;
    return { bytes: c.n, guestNs: +guestNs.toFixed(1), nodeNs: +nodeNs.toFixed(1), ratio: +(guestNs / nodeNs).toFixed(2) };
  });
}

const sha256Table = (rows: Awaited<ReturnType<typeof sha256Blocks>>) => [
  `SHA-256 per 64-byte block, guest vs node:crypto (HMAC of the body, CPU ns per block, medians of ${SHA_REPS}; guest = signature stage less a pass-through stage):`,
  '',
  '| body | guest | node:crypto | guest ÷ node |',
  '| ---: | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.bytes >= 1 << 20 ? `${r.bytes >> 20} MiB` : `${r.bytes >> 10} KiB`} | ${r.guestNs} | ${r.nodeNs} | ${r.ratio}× |`),
];

const fmt = (ns: number) => (ns / 1000).toFixed(2);

/**
 * A row per guest language and toolchain: a chain of LANG_STAGES stages of that language's
 * pass-through-plus-header guest (test/conformance/), per hop and fused, with the
 * binding and instantiation describe() reports. A guest the runtime cannot load shows
 * why (the load error names the missing feature).
 */
const LANG_STAGES = 4;
const LANGUAGES: Array<{ lang: string; toolchain: string; component: () => Promise<string | Uint8Array> }> = [
  { lang: 'AssemblyScript', toolchain: 'middleware/echo (project SDK)', component: async () => bundledComponent('echo') },
  { lang: 'C', toolchain: 'middleware/conformance-c (witline.h, @yowasp/clang)', component: async () => bundledComponent('conformance-c') },
  { lang: 'C', toolchain: 'wasi-libc reactor (@yowasp/clang)', component: () => conformanceGuest('c-wasi-libc') },
  { lang: 'JavaScript', toolchain: 'middleware/conformance-js (componentize-qjs, sync)', component: async () => bundledComponent('conformance-js') },
  { lang: 'JavaScript', toolchain: 'componentize-qjs default (component-model async)', component: () => conformanceGuest('js-async') },
  { lang: 'WAT', toolchain: 'hand-written (jco wasm-tools)', component: () => conformanceGuest('wat') },
  { lang: 'WAT', toolchain: 'hand-written, UTF-16 strings', component: () => conformanceGuest('wat-utf16') },
];

async function languages() {
  const rows: string[] = [];
  for (const l of LANGUAGES) {
    const component = await l.component();
    const cells: string[] = [];
    let how = '';
    for (const fusion of ['off', 'auto'] as const) {
      const stages = Array.from({ length: LANG_STAGES }, (_, i) => stage({ name: `s${i}`, component, capabilities: ['log', 'clock', 'kv', 'context'] }));
      const p = pipeline(stages, { handler: () => answer, logger: quiet, fusion });
      try {
        await p.ready();
        const check = await p.handle(reference(), ctx);
        if (check.status !== 200 || !check.headers.some(([k]) => k === 'x-echo')) throw new Error(`${l.toolchain}: wrong answer`);
        const samples: number[] = [];
        for (let rep = 0; rep < REPS; rep++) samples.push(await nsPerRequest(() => p.handle(reference(), ctx), quick ? 200 : 2000));
        cells.push(fmt(median(samples)));
        const d = p.describe();
        how = `${d.stages[0].binding}, ${d.stages[0].instantiation}${fusion === 'auto' ? `, ${d.segments.map((x) => x.mode).join('+')}` : ''}`;
      } catch (err) {
        cells.push('—');
        how = `not loaded: ${err instanceof ComponentLoadError && err.feature ? `needs ${err.feature}` : (err as Error).message.slice(0, 80)}`;
      } finally {
        await p.close();
      }
    }
    rows.push(`| ${l.lang} | ${l.toolchain} | ${cells.join(' | ')} | ${how} |`);
  }
  return [
    `Guest languages: a chain of ${LANG_STAGES} pass-through-plus-header stages, µs per request (median of ${REPS}), Node ${process.version}:`,
    '',
    '| language | toolchain | per hop | fused | binding, instantiation, fused plan |',
    '| --- | --- | ---: | ---: | --- |',
    ...rows,
  ];
}

/** CPU ns (user + system) per request: on a shared machine, steadier than wall time. */
async function cpuNsPerRequest(run: () => Promise<unknown>, iterations: number): Promise<number> {
  for (let i = 0; i < iterations / 4; i++) await run();
  const t0 = process.cpuUsage();
  for (let i = 0; i < iterations; i++) await run();
  const d = process.cpuUsage(t0);
  return ((d.user + d.system) * 1000) / iterations;
}

/**
 * The sandbox's cost: two workloads of bundled middleware, each as a fused pipeline with
 * the sandbox on (defaults: a 1 s deadline by fuel, a 64 MiB memory cap) and off
 * (`timeoutMs: 0, maxMemoryBytes: 0`: the cores are not rewritten), run interleaved, the
 * order of on and off alternating per repetition; medians, and on ÷ off. Timed in CPU time
 * of this process (the machine is shared: wall time moves with other people's load).
 */
async function sandboxCost() {
  const token = benchToken();
  const signedBody = new Uint8Array(4096).fill(0x62);
  const sigSecret = 'bench-signature-secret';
  const sig = `sha256=${createHmac('sha256', sigSecret).update(signedBody).digest('hex')}`;
  const workloads = {
    'auth + rateLimit + transform (bench/http)': {
      stages: () => [
        auth({ secret: SECRET }),
        rateLimit({ ...RATE, key: { header: CLIENT_HEADER } }),
        transform({ response: { setHeaders: { 'x-served-by': 'bench' } } }),
      ],
      request: (): WitRequest => ({
        method: 'GET',
        uri: PATH,
        headers: [
          ['authorization', `Bearer ${token}`],
          [CLIENT_HEADER, CLIENT_ID],
          ['accept', 'application/json'],
        ],
      }),
    },
    'signature, HMAC-SHA256 over 4 KiB': {
      stages: () => [signature({ secret: sigSecret })],
      request: (): WitRequest => ({ method: 'POST', uri: PATH, headers: [['x-hub-signature-256', sig]], body: signedBody }),
    },
  };
  type Run = () => Promise<unknown>;
  const runs = new Map<string, { run: Run; close: () => Promise<void> }>();
  for (const [name, w] of Object.entries(workloads)) {
    for (const on of [true, false]) {
      const stages = w.stages().map((s) => (on ? s : stage({ ...s, timeoutMs: 0, maxMemoryBytes: 0 })));
      const p = pipeline(stages, { handler: () => answer, logger: quiet });
      await p.ready();
      const check = await p.handle(w.request(), ctx);
      if (check.status !== 200) throw new Error(`sandbox ${name} (${on ? 'on' : 'off'}): status ${check.status}`);
      runs.set(`${name}:${on}`, { run: () => p.handle(w.request(), ctx), close: () => p.close() });
    }
  }
  const samples = new Map<string, number[]>();
  const reps = Math.max(REPS, 7);
  for (let rep = 0; rep < reps; rep++) {
    for (const name of Object.keys(workloads)) {
      for (const on of rep % 2 ? [false, true] : [true, false]) {
        const key = `${name}:${on}`;
        samples.set(key, [...(samples.get(key) ?? []), await cpuNsPerRequest(runs.get(key)!.run, ITER)]);
      }
    }
  }
  for (const r of runs.values()) await r.close();
  return Object.keys(workloads).map((name) => {
    const on = median(samples.get(`${name}:true`)!);
    const off = median(samples.get(`${name}:false`)!);
    // Per repetition too: on ÷ off of the pair run back to back, whose median is robust to a busy machine.
    const pairs = samples.get(`${name}:true`)!.map((x, i) => x / samples.get(`${name}:false`)![i]);
    return { workload: name, onNs: Math.round(on), offNs: Math.round(off), ratio: +(on / off).toFixed(3), pairedRatio: +median(pairs).toFixed(3) };
  });
}

function sandboxTable(rows: Awaited<ReturnType<typeof sandboxCost>>, machine: string): string {
  return [
    `Sandbox cost (deadline by fuel + memory cap, on against off; fused; CPU µs per request, median of ≥ 7 interleaved repetitions), ${machine}:`,
    '',
    '| workload | on CPU µs | off CPU µs | on ÷ off | median of paired on ÷ off |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.workload} | ${fmt(r.onNs)} | ${fmt(r.offNs)} | ${r.ratio} | ${r.pairedRatio} |`),
    '',
  ].join('\n');
}

async function main() {
  const started = new Date().toISOString();
  if (process.env.BENCH_ONLY === 'languages') {
    process.stdout.write([...(await languages()), ''].join('\n'));
    return;
  }
  if (process.env.BENCH_ONLY === 'sha256') {
    process.stdout.write([...sha256Table(await sha256Blocks()), '', `Node ${process.version}`, ''].join('\n'));
    return;
  }
  if (process.env.BENCH_ONLY === 'sandbox') {
    process.stdout.write(sandboxTable(await sandboxCost(), `${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, Node ${process.version}`));
    return;
  }
  // Instances first, on a fresh heap: the RSS reading must not overlap the chains' garbage.
  progress('instantiation (1/3)');
  const inst = await instantiation();
  progress('chains (2/3)');
  const c = await chains();
  progress('profile (3/3)');
  const prof = await profile();
  const sha = await sha256Blocks();
  const langs = await languages();
  const sandbox = await sandboxCost();
  const ratio = +(c.codec.marginalNs / c.fused.marginalNs).toFixed(2);
  const machine = `${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, Node ${process.version}`;
  const result = {
    started,
    machine,
    reps: REPS,
    request: '5 headers, 200-byte body',
    modes: c,
    instantiation: inst,
    perHopOverFusedMarginal: ratio,
    profileNs: prof,
    sha256PerBlock: sha,
    sandbox,
  };
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(new URL(`./results/${RESULTS}.json`, import.meta.url), JSON.stringify(result, null, 2) + '\n');
  const rows = MODES.map((m) => `| ${m} | ${LENGTHS.map((n) => fmt(c[m].ns[n])).join(' | ')} | ${fmt(c[m].marginalNs)} |`);
  const md = [
    `# bench/hops — µs per request (median of ${REPS}), ${machine}`,
    '',
    `| mode | ${LENGTHS.map((n) => `${n} stage${n > 1 ? 's' : ''}`).join(' | ')} | marginal µs/stage |`,
    `| --- | ${LENGTHS.map(() => '---:').join(' | ')} | ---: |`,
    ...rows,
    '',
    `- per-hop (codec) marginal ÷ fused marginal: **${ratio}×**`,
    `- instantiate one stage from its compiled module: **${inst.directUs} µs** direct (jco's instantiate: ${inst.jcoUs} µs)`,
    `- resident memory per extra live instance (1,000 instances): **${inst.rssPerInstanceKB} KB**`,
    '',
    'Where the time goes (ns per operation, the reference request, echo guest):',
    '',
    '| lower into a guest | guest request phase | fused hop copy | snapshot for the response phase | lift to JS | one cabi_realloc + post-return |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${prof.lowerNs} | ${prof.guestRequestPhaseNs} | ${prof.hopCopyNs} | ${prof.snapshotNs} | ${prof.liftNs} | ${prof.reallocPlusPostReturnNs} |`,
    '',
    ...sha256Table(sha),
    '',
    ...langs,
    '',
    sandboxTable(sandbox, machine),
    `Command: \`npm run bench:hops\` (${started}; this file: Node ${process.version}).`,
    '',
  ].join('\n');
  await writeFile(new URL(`./results/${RESULTS}.md`, import.meta.url), md);
  process.stdout.write(md);
}

/**
 * What JSPI costs per suspend: the kv-counter guest doing one `incr` per request, on the
 * synchronous MemoryStore (no promise inside the call) and on an asynchronous store whose
 * every operation is a promise that is already resolved (the guest suspends and is resumed
 * on the next microtask turn: no I/O at all, so the difference is JSPI's own price plus
 * the promise and await of the suspending hop). µs per request, interleaved, medians.
 */
async function jspiSection() {
  if (typeof (WebAssembly as { Suspending?: unknown }).Suspending !== 'function') {
    process.stdout.write(`\nJSPI: not in this runtime (${process.version}); run on Node 26 for the suspend cost.\n`);
    return;
  }
  const mem = new MemoryStore();
  const resolved: AsyncKvStore = {
    asynchronous: true,
    get: async (k) => mem.get(k),
    set: async (k, v, t) => mem.set(k, v, t),
    incr: async (k, d, t) => mem.incr(k, d, t),
    compareAndSwap: async (k, e, v, t) => mem.compareAndSwap(k, e, v, t),
    delete: async (k) => mem.delete(k),
  };
  const counter = () => stage({ name: 'kv-counter', capabilities: ['log', 'kv'], component: bundledComponent('kv-counter') });
  const make = async (kv: KvStore | AsyncKvStore, suspends: boolean) => {
    const p = pipeline([counter()], { kv, logger: quiet });
    await p.ready();
    if (p.describe().stages[0].suspends !== suspends) throw new Error('unexpected plan');
    const req = (): WitRequest => ({ method: 'GET', uri: '/n', headers: [], body: undefined });
    return { run: () => p.handle(req(), ctx), close: () => p.close() };
  };
  const modes = { sync: await make(new MemoryStore(), false), suspending: await make(resolved, true) };
  const samples: Record<keyof typeof modes, number[]> = { sync: [], suspending: [] };
  for (let rep = 0; rep < REPS; rep++) for (const m of ['sync', 'suspending'] as const) samples[m].push(await nsPerRequest(modes[m].run, ITER * 4));
  for (const m of Object.values(modes)) await m.close();
  const [sync, susp] = [median(samples.sync), median(samples.suspending)];
  process.stdout.write(
    [
      '',
      `JSPI, one kv call per request (kv-counter guest, incr), µs per request, median of ${REPS}, Node ${process.version}:`,
      '',
      '| sync MemoryStore | async store, already resolved (suspends) | difference: per suspend |',
      '| ---: | ---: | ---: |',
      `| ${fmt(sync)} | ${fmt(susp)} | ${fmt(susp - sync)} |`,
      '',
    ].join('\n'),
  );
}

if (process.env.BENCH_ONLY !== 'jspi') await main();
await jspiSection();
