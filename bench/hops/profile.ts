// Where a hop's time goes: each step of a fused hop and of a per-hop call, timed alone
// on two live echo instances with the reference request (ns per operation).
import { bundledComponent } from '../../src/middleware/bundled.js';
import { transpileCached } from '../../src/component/cache.js';
import { readComponent } from '../../src/component/load.js';
import { directModule, instantiateDirect } from '../../src/component/direct.js';
import { CallContext } from '../../src/host/call-context.js';
import { MemoryStore } from '../../src/host/kv.js';
import { lowerRequest } from '../../src/abi/lower.js';
import { liftRequest } from '../../src/abi/lift.js';
import { copyRequest } from '../../src/abi/hop.js';
import { HostMemory } from '../../src/abi/host-memory.js';
import { quick, quiet, reference } from './common.js';

export async function profile() {
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

export const profileTable = (prof: Awaited<ReturnType<typeof profile>>) => [
  'Where the time goes (ns per operation, the reference request, echo guest):',
  '',
  '| lower into a guest | guest request phase | fused hop copy | snapshot for the response phase | lift to JS | one cabi_realloc + post-return |',
  '| ---: | ---: | ---: | ---: | ---: | ---: |',
  `| ${prof.lowerNs} | ${prof.guestRequestPhaseNs} | ${prof.hopCopyNs} | ${prof.snapshotNs} | ${prof.liftNs} | ${prof.reallocPlusPostReturnNs} |`,
];
