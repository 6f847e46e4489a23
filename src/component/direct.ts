import { GuestConfigError } from '../core/errors.js';
import { lowerPairs } from '../abi/lower.js';
import { AbiError, GuestMemory } from '../abi/memory.js';
import { ARENA_SECTION, CORE_EXPORTS as EXPORTS, type Capability } from '../core/wit-names.mjs';
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
 *
 * The other core modules may only be wit-component's plumbing, which direct
 * instantiation replaces: the shim (a table of indirect calls, importing nothing) and
 * the fixups (importing functions and that table, exporting nothing). A fixup with a
 * start function may import nothing but `_initialize`: that is how wit-component runs a
 * reactor's start-up code (wasi-libc's C constructors) after the main instance, and
 * direct instantiation does the same by calling `_initialize` right after
 * instantiating. Direct rather than through jco: the guest keeps the fast path, and the
 * check is exact (such a start function can do nothing but call `_initialize`). Any
 * other start function or module goes through jco's instantiate, which runs everything
 * in the component's order.
 */
export interface DirectPlan {
  module: WebAssembly.Module;
  /** Call the module's `_initialize` after instantiating it (the component's start-up code). */
  initialize: boolean;
  /** The module declares its allocator an arena (ARENA_SECTION): values may be packed in one allocation. */
  arena: boolean;
}

const INITIALIZE = '_initialize';

export function directModule(component: Transpiled): DirectPlan | undefined {
  const { canon } = component;
  if (canon.reason) return undefined;
  const lift = canon.lifts.onRequest ?? canon.lifts.onResponse;
  const refs = Object.values(canon.lifts).flatMap((l) => [l.func, l.memory, l.realloc, l.postReturn]);
  if (!lift || refs.some((r) => r && r.instance !== lift.func.instance)) return undefined;
  const known = new Set<string>();
  for (const [cap, fns] of Object.entries(CORE_FUNCTIONS)) for (const f of fns) known.add(`${coreModule(cap as Capability)}\0${f}`);
  known.add(`${SANDBOX_IMPORT.module}\0${SANDBOX_IMPORT.name}`); // the sandbox's fuel interrupt
  let main: WebAssembly.Module | undefined;
  let initialize = false;
  for (const [name, module] of component.cores) {
    const exports = WebAssembly.Module.exports(module).map((e) => e.name);
    // The sandbox's fuel interrupt may be imported by any module it rewrote: it is the host's own.
    const imports = WebAssembly.Module.imports(module).filter((i) => i.module !== SANDBOX_IMPORT.module || i.name !== SANDBOX_IMPORT.name);
    if (exports.includes(EXPORTS.onRequest) || exports.includes(EXPORTS.onResponse)) {
      if (main) return undefined;
      if (!refs.every((r) => !r || exports.includes(r.name))) return undefined;
      if (!imports.every((i) => i.kind === 'function' && known.has(`${i.module}\0${i.name}`))) return undefined;
      main = module;
      continue;
    }
    const shim =
      imports.length === 0 &&
      WebAssembly.Module.exports(module).every((e) => (e.kind === 'function' && /^\d+$/.test(e.name)) || (e.kind === 'table' && e.name === '$imports'));
    const fixup = exports.length === 0 && imports.every((i) => i.kind === 'function' || (i.kind === 'table' && i.name === '$imports'));
    if (!shim && !fixup) return undefined;
    if (canon.starts.includes(name)) {
      if (!(imports.length === 1 && imports[0].kind === 'function' && imports[0].name === INITIALIZE)) return undefined;
      initialize = true;
    }
  }
  if (!main) return undefined;
  if (initialize && !WebAssembly.Module.exports(main).some((e) => e.name === INITIALIZE && e.kind === 'function')) return undefined;
  // A start function of the handler module itself runs as the instance is created, as in jco.
  return { module: main, initialize, arena: WebAssembly.Module.customSections(main, ARENA_SECTION).length > 0 };
}

/** A directly instantiated guest: its core exports, and `configure` through the codec. */
export function instantiateDirect(
  plan: DirectPlan,
  component: Transpiled,
  stage: string,
  granted: readonly Capability[],
  host: HostServices,
  /** Replace some of the imports (a stage whose kv calls suspend); the memory is known once the instance exists. */
  adapt?: (imports: WebAssembly.Imports, memory: () => GuestMemory) => WebAssembly.Imports,
  /** Whether the watchdog may terminate its calls (coreImports). */
  watched = true,
): { core: CoreExports; configure?: (pairs: ReadonlyArray<readonly [string, string]>) => string | undefined } {
  let mem: GuestMemory | undefined;
  const memory = () => {
    if (!mem) throw new WebAssembly.RuntimeError('host call before the instance exists');
    // The guest may have grown its memory since the views were made (within this very call).
    mem.refresh();
    return mem;
  };
  const imports = { ...coreImports(stage, granted, host, memory, watched), ...host.call.deadline.imports() };
  const instance = new WebAssembly.Instance(plan.module, adapt ? adapt(imports, memory) : imports);
  const ex = instance.exports as Record<string, any>;
  const at = (ref: { name: string } | undefined) => (ref ? ex[ref.name] : undefined);
  const lift = component.canon.lifts.onRequest ?? component.canon.lifts.onResponse!;
  mem = new GuestMemory({ memory: ex[lift.memory!.name], realloc: ex[lift.realloc!.name] }, plan.arena);
  if (plan.initialize) ex[INITIALIZE]();
  const core: CoreExports = {
    mem,
    onRequest: ex[EXPORTS.onRequest],
    postOnRequest: at(component.canon.lifts.onRequest?.postReturn),
    onResponse: ex[EXPORTS.onResponse],
    postOnResponse: at(component.canon.lifts.onResponse?.postReturn),
  };
  const fn = ex[EXPORTS.configure] as ((p: number, n: number) => number) | undefined;
  if (!fn) return { core };
  const post = at(component.canon.lifts.configure?.postReturn) as ((p: number) => void) | undefined;
  const m = mem;
  return {
    core,
    // configure: func(list<tuple<string, string>>) -> result<_, string>; the error string, if any.
    configure(pairs) {
      // The staged hop's block first: allocated before configure returns, the SDK arenas keep it.
      m.claimScratch();
      const list = new Int32Array(2);
      lowerPairs(m, pairs, list, 0);
      const ret = fn(list[0], list[1]);
      m.refresh();
      const tag = m.u8[ret];
      if (tag > 1) throw new AbiError(`invalid result discriminant ${tag}`);
      const error = tag === 1 ? m.readString(m.u32[(ret + 4) >>> 2], m.u32[(ret + 8) >>> 2]) : undefined;
      post?.(ret);
      if (post && error === undefined) m.confirmScratch();
      return error;
    },
  };
}

/**
 * Configure a directly instantiated guest with its settings: the guest's own error, or a
 * trap in `configure`, is a {@link GuestConfigError}; settings for a component that takes
 * none (it does not export config) are refused.
 */
export function configureDirect(
  stage: string,
  made: { configure?: (pairs: ReadonlyArray<readonly [string, string]>) => string | undefined },
  exportsConfigure: boolean,
  config: ReadonlyArray<readonly [string, string]>,
): void {
  if (exportsConfigure && made.configure) {
    let error: string | undefined;
    try {
      error = made.configure(config);
    } catch (err) {
      throw new GuestConfigError(stage, `configure failed: ${(err as Error).message}`);
    }
    if (error !== undefined) throw new GuestConfigError(stage, error);
  } else if (config.length) {
    throw new GuestConfigError(stage, 'the component takes no configuration (it does not export config)');
  }
}
