import type { GuestMemory } from '../abi/memory.js';
import { witName, type Capability } from '../core/wit-names.mjs';
import type { HostServices } from './imports.js';
import { kPeek, MemoryStore } from './kv.js';
import type { LogLevel } from './log.js';
import { enterHostCall, leaveHostCall, reopened } from './deadline.js';

/**
 * The witline capabilities at the core level, as the Canonical ABI lowers them: what a
 * guest's core module imports when it is instantiated directly (no jco trampolines,
 * no task bookkeeping: each host call is one JS function reading and writing memory).
 * Signatures follow the ABI's flattening of wit/middleware.wit.
 */
const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
const MAX_TTL = BigInt(Number.MAX_SAFE_INTEGER);
const ttl = (ms: bigint) => (ms > MAX_TTL ? Number.MAX_SAFE_INTEGER : ms < 0n ? 0 : Number(ms));

/** The module name a core import of capability `cap` comes from. */
export const coreModule = (cap: Capability) => witName(cap);

/** Every function of each capability, by core import name. */
export const CORE_FUNCTIONS: Record<Capability, readonly string[]> = {
  log: ['log'],
  clock: ['now-ms'],
  kv: ['get', 'set', 'incr', 'compare-and-swap', 'delete'],
  context: ['remote-address'],
};

/**
 * Core imports for the capabilities granted. `memory()` is the guest's memory, known
 * only once the instance exists; host calls made before that (from a start function)
 * have nothing to read and trap.
 */
export function coreImports(
  stage: string,
  granted: readonly Capability[],
  host: HostServices,
  memory: () => GuestMemory,
  /**
   * The watchdog may terminate this guest's calls: the functions that change host state
   * (kv, log: STATEFUL_CAPABILITIES) enter a host call around their work (deadline.ts), so
   * that a termination never lands in the host's own bookkeeping.
   */
  watched = true,
): WebAssembly.Imports {
  const imports: WebAssembly.Imports = {};
  const key = (p: number, n: number) => memory().readString(p, n);
  // The store's arguments: copies, unless the store is ours (not a subclass, which might
  // keep what it is given), which copies what it keeps and compares at once.
  const borrows = Object.getPrototypeOf(host.kv) === MemoryStore.prototype;
  const bytes = borrows ? (p: number, n: number) => memory().borrow(p, n) : (p: number, n: number) => memory().readShared(p, n);
  // Lower a list<u8> or string result: one cabi_realloc, then (ptr, len) at `at`.
  const putBytes = (at: number, value: Uint8Array) => {
    const mem = memory();
    const ptr = value.byteLength ? reopened(() => mem.alloc(value.byteLength, 1)) : 1;
    mem.u8.set(value, ptr);
    mem.u32[at >>> 2] = ptr;
    mem.u32[(at >>> 2) + 1] = value.byteLength;
  };
  for (const cap of granted) {
    const mod = coreModule(cap);
    switch (cap) {
      case 'log':
        imports[mod] = {
          log: (level: number, p: number, n: number) => {
            const mine = watched && enterHostCall();
            try {
              host.logger[LEVELS[level] ?? 'info'](memory().readString(p, n), { stage });
            } finally {
              leaveHostCall(mine);
            }
          },
        };
        break;
      case 'clock': {
        // A u64 result is a BigInt: one is made per millisecond, not per call (a request or
        // two dozen share each at load).
        let ms = -1;
        let big = 0n;
        imports[mod] = {
          'now-ms': () => {
            const now = Math.floor(host.clock());
            if (now !== ms) {
              ms = now;
              big = BigInt(now);
            }
            return big;
          },
        };
        break;
      }
      case 'kv': {
        // Where the store lets us read its value in place (it is copied into the guest at once).
        const peek = (host.kv as Partial<Record<typeof kPeek, (key: string) => Uint8Array | undefined>>)[kPeek]?.bind(host.kv);
        imports[mod] = {
          get: (kp: number, kl: number, ret: number) => {
            const mine = watched && enterHostCall();
            try {
              const k = key(kp, kl);
              const v = peek ? peek(k) : host.kv.get(k);
              const mem = memory();
              if (v === undefined) {
                mem.u8[ret] = 0;
                return;
              }
              putBytes(ret + 4, v);
              memory().u8[ret] = 1;
            } finally {
              leaveHostCall(mine);
            }
          },
          set: (kp: number, kl: number, vp: number, vl: number, t: bigint) => {
            const mine = watched && enterHostCall();
            try {
              host.kv.set(key(kp, kl), bytes(vp, vl), ttl(t));
            } finally {
              leaveHostCall(mine);
            }
          },
          incr: (kp: number, kl: number, delta: bigint, t: bigint) => {
            const mine = watched && enterHostCall();
            try {
              return host.kv.incr(key(kp, kl), BigInt.asIntN(64, delta), ttl(t));
            } finally {
              leaveHostCall(mine);
            }
          },
          'compare-and-swap': (kp: number, kl: number, et: number, ep: number, el: number, vp: number, vl: number, t: bigint) => {
            const mine = watched && enterHostCall();
            try {
              return host.kv.compareAndSwap(key(kp, kl), et ? bytes(ep, el) : undefined, bytes(vp, vl), ttl(t)) ? 1 : 0;
            } finally {
              leaveHostCall(mine);
            }
          },
          delete: (kp: number, kl: number) => {
            const mine = watched && enterHostCall();
            try {
              host.kv.delete(key(kp, kl));
            } finally {
              leaveHostCall(mine);
            }
          },
        };
        break;
      }
      case 'context':
        imports[mod] = {
          'remote-address': (ret: number) => putBytes(ret, Buffer.from(host.call.remoteAddress, 'utf8')),
        };
        break;
    }
  }
  return imports;
}
