import { CORE_EXPORTS as EXPORTS, postReturn } from '../core/wit-names.mjs';
import { GuestMemory } from '../abi/memory.js';

/**
 * The core exports behind a component's lifted functions, for the codec fast path.
 * jco instantiates a component as several core instances; we pass it our own
 * `instantiateCore`, keep every instance it makes, and find the one that exports the
 * witline handlers (with the memory and `cabi_realloc` its lifts use).
 */
export interface CoreExports {
  mem: GuestMemory;
  onRequest?: (...args: number[]) => number;
  postOnRequest?: (ptr: number) => void;
  onResponse?: (...args: number[]) => number;
  postOnResponse?: (ptr: number) => void;
}

type Exports = Record<string, unknown>;

/** An `instantiateCore` for jco that records the instances it creates. */
export function recordingInstantiateCore(sandbox?: { imports: WebAssembly.Imports; run: <T>(fn: () => T) => T }): {
  instantiateCore: (module: WebAssembly.Module, imports?: WebAssembly.Imports) => Promise<WebAssembly.Instance>;
  find(): CoreExports | undefined;
} {
  const instances: Exports[] = [];
  return {
    async instantiateCore(module, imports) {
      // Synchronously, so that a start function runs under the sandbox's deadline (the module is compiled already).
      const all = sandbox ? { ...imports, ...sandbox.imports } : (imports ?? {});
      const instance = sandbox ? sandbox.run(() => new WebAssembly.Instance(module, all)) : await WebAssembly.instantiate(module, all);
      instances.push(instance.exports as Exports);
      return instance;
    },
    find() {
      for (const ex of instances) {
        const onRequest = ex[EXPORTS.onRequest];
        const onResponse = ex[EXPORTS.onResponse];
        if (typeof onRequest !== 'function' && typeof onResponse !== 'function') continue;
        const memory = ex.memory;
        const realloc = ex.cabi_realloc;
        if (!(memory instanceof WebAssembly.Memory) || typeof realloc !== 'function') return undefined;
        return {
          mem: new GuestMemory({ memory, realloc: realloc as never }),
          onRequest: onRequest as CoreExports['onRequest'],
          postOnRequest: ex[postReturn(EXPORTS.onRequest)] as CoreExports['postOnRequest'],
          onResponse: onResponse as CoreExports['onResponse'],
          postOnResponse: ex[postReturn(EXPORTS.onResponse)] as CoreExports['postOnResponse'],
        };
      }
      return undefined;
    },
  };
}
