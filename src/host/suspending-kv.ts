import type { GuestMemory } from '../abi/memory.js';
import type { AsyncKvStore } from './async-kv.js';

/**
 * JSPI: the `kv` core imports of a guest on an asynchronous store. Each is a
 * `WebAssembly.Suspending` function: when the store's promise is pending, the guest's
 * stack is suspended (the event loop runs on) and resumed with the result, so the guest
 * sees an ordinary synchronous call. Its exports must then be called through
 * {@link promising}, which returns a promise of their result.
 */

interface Jspi {
  Suspending: new (fn: (...args: never[]) => unknown) => unknown;
  promising: <A extends unknown[], R>(fn: (...args: A) => R) => (...args: A) => Promise<R>;
}
const W = WebAssembly as unknown as Partial<Jspi>;

/** Whether this runtime has JSPI (Node 25 and later by default; Node 24 behind `--experimental-wasm-jspi`). */
export const JSPI: boolean = typeof W.Suspending === 'function' && typeof W.promising === 'function';

/** An export called so that it may suspend: it returns a promise of its result. */
export function promising<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => Promise<R> {
  return (W as Jspi).promising(fn);
}

const MAX_TTL = BigInt(Number.MAX_SAFE_INTEGER);
const ttl = (ms: bigint) => (ms > MAX_TTL ? Number.MAX_SAFE_INTEGER : ms < 0n ? 0 : Number(ms));

/**
 * The five kv functions at the core level (signatures as in core-imports.ts), each
 * suspending on `kv`. Arguments are read from memory before the wait, results written
 * after it. A rejection (`StoreUnavailableError`) goes to `failed`, then is thrown into
 * the guest, unwinding it: the caller drops that instance.
 */
export function suspendingKvImports(kv: AsyncKvStore, memory: () => GuestMemory, failed: (err: unknown) => void): Record<string, unknown> {
  const key = (p: number, n: number) => memory().readString(p, n);
  const bytes = (p: number, n: number) => memory().readShared(p, n);
  const wait = async <T>(op: Promise<T>): Promise<T> => {
    try {
      return await op;
    } catch (err) {
      failed(err);
      throw err;
    }
  };
  const suspending = (fn: (...args: never[]) => Promise<unknown>) => new (W as Jspi).Suspending(fn);
  return {
    get: suspending(async (kp: number, kl: number, ret: number) => {
      const v = await wait(kv.get(key(kp, kl)));
      const mem = memory();
      mem.refresh();
      if (v === undefined) {
        mem.u8[ret] = 0;
        return;
      }
      const ptr = v.byteLength ? mem.alloc(v.byteLength, 1) : 1;
      mem.u8.set(v, ptr);
      mem.u32[(ret + 4) >>> 2] = ptr;
      mem.u32[(ret + 8) >>> 2] = v.byteLength;
      mem.u8[ret] = 1;
    }),
    set: suspending((kp: number, kl: number, vp: number, vl: number, t: bigint) => wait(kv.set(key(kp, kl), bytes(vp, vl), ttl(t)))),
    incr: suspending((kp: number, kl: number, delta: bigint, t: bigint) => wait(kv.incr(key(kp, kl), BigInt.asIntN(64, delta), ttl(t)))),
    'compare-and-swap': suspending(async (kp: number, kl: number, et: number, ep: number, el: number, vp: number, vl: number, t: bigint) =>
      (await wait(kv.compareAndSwap(key(kp, kl), et ? bytes(ep, el) : undefined, bytes(vp, vl), ttl(t)))) ? 1 : 0,
    ),
    delete: suspending((kp: number, kl: number) => wait(kv.delete(key(kp, kl)))),
  };
}
