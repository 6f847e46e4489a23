import { GuestMemory } from '../abi/memory.js';
import type { Canon, CoreRef } from './canon.js';

/**
 * The core exports behind a component's lifted functions, for the codec fast path.
 * jco instantiates a component as several core instances; we pass it our own
 * `instantiateCore`, keep every instance it makes, and take the function, memory,
 * realloc and post-return each handler's `canon lift` names (canon.ts), from whichever
 * instance defines them.
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
  /** The handlers' core items, or why they could not be found. */
  find(canon: Canon): CoreExports | string;
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
    find(canon) {
      if (canon.reason) return canon.reason;
      // jco numbers instances by creation order: a different count means its glue is not what was read.
      if (instances.length !== canon.instances) return `jco created ${instances.length} core instances, its glue named ${canon.instances}`;
      const get = (ref: CoreRef | undefined) => (ref ? instances[ref.instance]?.[ref.name] : undefined);
      const { onRequest: req, onResponse: resp } = canon.lifts;
      const lift = req ?? resp!;
      const memory = get(lift.memory);
      const realloc = get(lift.realloc);
      if (!(memory instanceof WebAssembly.Memory) || typeof realloc !== 'function')
        return 'the memory or realloc its handlers name is not where jco’s glue put it';
      const fn = (ref: CoreRef | undefined) => {
        const f = get(ref);
        return typeof f === 'function' ? (f as never) : undefined;
      };
      if ((req && !fn(req.func)) || (resp && !fn(resp.func))) return 'a handler is not where jco’s glue put it';
      return {
        mem: new GuestMemory({ memory, realloc: realloc as never }),
        onRequest: fn(req?.func),
        postOnRequest: fn(req?.postReturn),
        onResponse: fn(resp?.func),
        postOnResponse: fn(resp?.postReturn),
      };
    },
  };
}
