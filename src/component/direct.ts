import { lowerPairs } from '../abi/lower.js';
import { AbiError, GuestMemory } from '../abi/memory.js';
import { CORE_EXPORTS as EXPORTS, postReturn, type Capability } from '../core/wit-names.mjs';
import { CORE_FUNCTIONS, coreImports, coreModule } from '../host/core-imports.js';
import type { HostServices } from '../host/imports.js';
import { SANDBOX_IMPORT } from '../host/deadline.js';
import type { Transpiled } from './cache.js';
import type { CoreExports } from './core.js';

/**
 * Direct instantiation: when a component's handlers live in one core module that
 * imports nothing but witline capabilities, that module is instantiated on its own with
 * witline's core-level imports. No jco glue runs at all: instantiating is one
 * `new WebAssembly.Instance`, and host calls are plain functions. Anything else (WASI,
 * adapters, several modules wired together) goes through jco's instantiate.
 */
export function directModule(component: Transpiled): WebAssembly.Module | undefined {
  const known = new Set<string>();
  for (const [cap, fns] of Object.entries(CORE_FUNCTIONS)) for (const f of fns) known.add(`${coreModule(cap as Capability)}\0${f}`);
  known.add(`${SANDBOX_IMPORT.module}\0${SANDBOX_IMPORT.name}`); // the sandbox's fuel interrupt
  for (const module of component.cores.values()) {
    const exports = WebAssembly.Module.exports(module).map((e) => e.name);
    if (!exports.includes(EXPORTS.onRequest) && !exports.includes(EXPORTS.onResponse)) continue;
    if (!exports.includes('memory') || !exports.includes('cabi_realloc')) return undefined;
    const imports = WebAssembly.Module.imports(module);
    return imports.every((i) => i.kind === 'function' && known.has(`${i.module}\0${i.name}`)) ? module : undefined;
  }
  return undefined;
}

/** A directly instantiated guest: its core exports, and `configure` through the codec. */
export function instantiateDirect(
  module: WebAssembly.Module,
  stage: string,
  granted: readonly Capability[],
  host: HostServices,
  /** Replace some of the imports (a stage whose kv calls suspend); the memory is known once the instance exists. */
  adapt?: (imports: WebAssembly.Imports, memory: () => GuestMemory) => WebAssembly.Imports,
): { core: CoreExports; configure?: (pairs: ReadonlyArray<readonly [string, string]>) => string | undefined } {
  let mem: GuestMemory | undefined;
  const memory = () => {
    if (!mem) throw new WebAssembly.RuntimeError('host call before the instance exists');
    // The guest may have grown its memory since the views were made (within this very call).
    mem.refresh();
    return mem;
  };
  const imports = { ...coreImports(stage, granted, host, memory), ...host.call.deadline.imports() };
  const instance = new WebAssembly.Instance(module, adapt ? adapt(imports, memory) : imports);
  const ex = instance.exports as Record<string, any>;
  mem = new GuestMemory({ memory: ex.memory, realloc: ex.cabi_realloc });
  const core: CoreExports = {
    mem,
    onRequest: ex[EXPORTS.onRequest],
    postOnRequest: ex[postReturn(EXPORTS.onRequest)],
    onResponse: ex[EXPORTS.onResponse],
    postOnResponse: ex[postReturn(EXPORTS.onResponse)],
  };
  const fn = ex[EXPORTS.configure] as ((p: number, n: number) => number) | undefined;
  if (!fn) return { core };
  const post = ex[postReturn(EXPORTS.configure)] as ((p: number) => void) | undefined;
  const m = mem;
  return {
    core,
    // configure: func(list<tuple<string, string>>) -> result<_, string>; the error string, if any.
    configure(pairs) {
      const list = new Int32Array(2);
      lowerPairs(m, pairs, list, 0);
      const ret = fn(list[0], list[1]);
      m.refresh();
      const tag = m.u8[ret];
      if (tag > 1) throw new AbiError(`invalid result discriminant ${tag}`);
      const error = tag === 1 ? m.readString(m.u32[(ret + 4) >>> 2], m.u32[(ret + 8) >>> 2]) : undefined;
      post?.(ret);
      return error;
    },
  };
}
