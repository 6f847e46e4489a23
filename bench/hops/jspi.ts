// What JSPI costs per suspend: the kv-counter guest doing one `incr` per request, on the
// synchronous MemoryStore (no promise inside the call) and on an asynchronous store whose
// every operation is a promise that is already resolved (the guest suspends and is resumed
// on the next microtask turn: no I/O at all, so the difference is JSPI's own price plus
// the promise and await of the suspending hop). µs per request, interleaved, medians.
import { pipeline, stage, type WitRequest } from '../../src/index.js';
import { bundledComponent } from '../../src/middleware/bundled.js';
import { MemoryStore, type KvStore } from '../../src/host/kv.js';
import type { AsyncKvStore } from '../../src/host/async-kv.js';
import { ITER, REPS, ctx, fmt, median, nsPerRequest, quiet } from './common.js';

export const hasJspi = () => typeof (WebAssembly as { Suspending?: unknown }).Suspending === 'function';

/** The line printed in place of the table where the runtime has no JSPI. */
export const noJspiLine = () => `\nJSPI: not in this runtime (${process.version}); run on Node 26 for the suspend cost.\n`;

/** Only call where hasJspi(): the suspending plan needs WebAssembly.Suspending. */
export async function jspiCost() {
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
  return { sync, susp };
}

type JspiCost = Awaited<ReturnType<typeof jspiCost>>;

/** For the results JSON: whole ns, as the other sections record them. */
export const jspiJson = ({ sync, susp }: JspiCost) => ({ syncNs: Math.round(sync), suspendingNs: Math.round(susp), perSuspendNs: Math.round(susp - sync) });

// From the unrounded medians, as the table has always been printed.
export const jspiTable = ({ sync, susp }: JspiCost) => [
  `JSPI, one kv call per request (kv-counter guest, incr), µs per request, median of ${REPS}, Node ${process.version}:`,
  '',
  '| sync MemoryStore | async store, already resolved (suspends) | difference: per suspend |',
  '| ---: | ---: | ---: |',
  `| ${fmt(sync)} | ${fmt(susp)} | ${fmt(susp - sync)} |`,
];
