// Instantiation time from a compiled module (witline's direct path against jco's
// instantiate) and resident memory per live instance, on the echo guest.
import { bundledComponent } from '../../src/middleware/bundled.js';
import { transpileCached } from '../../src/component/cache.js';
import { readComponent } from '../../src/component/load.js';
import { directModule, instantiateDirect } from '../../src/component/direct.js';
import { CallContext } from '../../src/host/call-context.js';
import { MemoryStore } from '../../src/host/kv.js';
import { quick, quiet } from './common.js';

export async function instantiation() {
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

export const instantiationLines = (inst: Awaited<ReturnType<typeof instantiation>>) => [
  `- instantiate one stage from its compiled module: **${inst.directUs} µs** direct (jco's instantiate: ${inst.jcoUs} µs)`,
  `- resident memory per extra live instance (1,000 instances): **${inst.rssPerInstanceKB} KB**`,
];
