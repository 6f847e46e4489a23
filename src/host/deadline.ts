/**
 * The deadline of the guest call running on this thread, and the two ways it is enforced.
 *
 * - The watchdog (`host/watchdog.ts`, the default on the main thread): guests run as they
 *   were built; a native watchdog thread stops a call past its deadline with V8's
 *   TerminateExecution, which a native frame right around the call turns back into
 *   {@link DeadlineExceeded}. One frame per call of a per-hop stage, one per request through
 *   only fused segments (segment/frame.ts; ~60 ns in a hot loop, more on the request path).
 * - Fuel (where the watchdog is not loaded, and for stages that suspend: a suspended
 *   guest resumes from the microtask queue, outside any native frame). Guests' core
 *   modules are rewritten at load (`component/sandbox.ts`) to spend fuel from a global
 *   counter: a loop iteration costs one unit, a call 100 (`CALL_COST`); when the
 *   {@link FUEL_SLICE} units run out they call the imported {@link SANDBOX_IMPORT} function,
 *   which reads the clock: before the deadline it hands out the next slice, past it it throws
 *   {@link DeadlineExceeded}, which unwinds the Wasm call (to the host, a trap: the instance
 *   is dropped). Fuel measures work, not time, so the clock is read only when a slice runs
 *   out: often enough to stop a looping guest a few ms after its deadline.
 *
 * Calls are synchronous and one thread runs one guest call at a time, so one deadline per
 * thread is enough ({@link DEADLINE_SLOTS}, which the watchdog reads too): whoever calls a
 * guest enters it right before and leaves right after (nested calls, such as a replacement
 * configured while a failed call unwinds, get the outer deadline back).
 */

/** Where the rewritten modules import the interrupt from. */
export const SANDBOX_IMPORT = { module: 'witline:sandbox', name: 'interrupt' } as const;

/**
 * Units of fuel per clock check: a million loop iterations (1–3 ms of the tightest loop)
 * or 10,000 calls. Smaller slices check the clock more often for nothing (a check is a
 * call out of Wasm, ~100 ns: at 100,000 units, +5% on the auth guest); larger ones let a
 * loop with a heavy body overshoot its deadline more. A looping guest answers within
 * deadline × 1.2 + 5 ms (test/sandbox/loop-deadline.test.ts).
 */
export const FUEL_SLICE = 1_000_000;

class DeadlineExceededError extends Error {
  override name = 'DeadlineExceeded';
  constructor() {
    super('the guest call ran past its deadline');
  }
}

// The slots of DEADLINE_SLOTS.
const TIMEOUT = 0;
const EPOCH = 1;
const LOOK = 2;

/**
 * One per thread, whatever copies of this module the thread loaded (a bundle and its
 * source, say): the watchdog watches one set of slots and throws one class.
 */
const shared: { slots: Float64Array; host: Int32Array; DeadlineExceeded: typeof DeadlineExceededError } = ((globalThis as any)[
  Symbol.for('witline.deadline')
] ??= (() => {
  // Shared memory: the watchdog thread reads the slots and changes the host-call word too.
  const buffer = new SharedArrayBuffer(32);
  const slots = new Float64Array(buffer, 0, 4);
  slots[TIMEOUT] = Infinity;
  slots[LOOK] = 50;
  return { slots, host: new Int32Array(buffer, 24, 1), DeadlineExceeded: DeadlineExceededError };
})());

/**
 * This thread's deadline state, shared with its watchdog thread, which reads it without a
 * lock (each slot is one aligned 8-byte store). `[TIMEOUT]`: the timeout of the stage call
 * running, ms (Infinity: none); `[EPOCH]`: bumped whenever a stage call begins or ends;
 * `[LOOK]`: how often the watchdog looks while calls run, ms ({@link watchedTimeout}). No
 * clock is read to begin a call (a `performance.now()` is ~50 ns, and a request begins a
 * dozen): whoever enforces the deadline times each epoch from when it first sees it.
 * `[3]` is not a double: its first 4 bytes are {@link HOST_CALL}.
 */
export const DEADLINE_SLOTS = shared.slots;

/**
 * The host-call word: 0 outside host calls, 1 inside one, {@link HOST_CLOSED} once the
 * watchdog is about to terminate the call. The watchdog terminates only after closing it
 * (a compare-and-swap from 0), so a termination never lands halfway through the host's
 * own bookkeeping (a kv write, a log line); a host call that finds it closed does not begin.
 */
const HOST_CALL = shared.host;
const HOST_CLOSED = 2;

/** Thrown past the deadline (by fuel's interrupt, or by the watchdog's frame); guests turn it into `WITLINE_STAGE_TIMEOUT`. */
export const DeadlineExceeded = shared.DeadlineExceeded;
export type DeadlineExceeded = DeadlineExceededError;

/**
 * Calls `fn` on `self` with up to six arguments, under this thread's deadline: the
 * watchdog's native frame, or (fuel, no deadline) a plain call.
 */
export type Guard = <T>(fn: (this: any, ...args: any[]) => T, self: unknown, a?: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown, f?: unknown) => T;

/** A plain call: the deadline, if any, is fuel's. */
export const unguarded: Guard = (fn, self, a, b, c, d, e, f) => fn.call(self, a, b, c, d, e, f);

/**
 * Wrap each host function of an imports object so that the watchdog never terminates a call
 * inside it ({@link HOST_CALL}). A host call runs for a bounded time (the kv store has
 * limits, an async store is awaited elsewhere), so the watchdog's wait is bounded too; guest
 * code a host call runs (a `cabi_realloc` for its result) goes through {@link reopened}.
 * Only host functions that change host state need it (kv, log): a termination inside a pure
 * read (the clock) loses nothing.
 */
export function shielded<T extends object>(imports: T): T {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(imports)) out[name] = typeof value === 'function' ? shield(name, value as HostFn) : value;
  return out as T;
}

type HostFn = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Enter a host call: one atomic read-modify-write (the watchdog's compare-and-swap must see
 * it); true if this call opened the word (it then closes it with {@link leaveHostCall}, a
 * plain store: seen late, that only delays a termination), false inside another host call.
 * The direct imports (core-imports.ts) call the pair themselves, in each function's own
 * body: a shared wrapper's one call site sees every host function and is megamorphic
 * (bench/hops sandbox section, Node 26: on ÷ off 1.047 → 1.033 over three runs each).
 */
export function enterHostCall(): boolean {
  const was = Atomics.exchange(HOST_CALL, 0, 1);
  if (was === HOST_CLOSED) throw new DeadlineExceeded(); // the termination follows
  return was === 0;
}

/** Leave a host call {@link enterHostCall} entered (`mine`: it opened the word). */
export function leaveHostCall(mine: boolean): void {
  if (mine) HOST_CALL[0] = 0;
}

/**
 * `f` shielded, with `f`'s own arity (that of the Wasm import calling it): a mismatched
 * arity, or a rest parameter (an array per call), costs on every host call. The pipeline
 * shields its handler this way inside a request frame (segment/frame.ts).
 */
export function shieldedFunction<F extends (...args: any[]) => unknown>(name: string, f: F): F {
  return shield(name, f as unknown as HostFn) as unknown as F;
}

function shield(name: string, f: HostFn): HostFn {
  switch (f.length) {
    case 2:
      return function (this: unknown, a: unknown, b: unknown) {
        const mine = enterHostCall();
        try {
          return f.call(this, a, b);
        } finally {
          if (mine) HOST_CALL[0] = 0;
        }
      };
    case 3:
      return function (this: unknown, a: unknown, b: unknown, c: unknown) {
        const mine = enterHostCall();
        try {
          return f.call(this, a, b, c);
        } finally {
          if (mine) HOST_CALL[0] = 0;
        }
      };
    case 4:
      return function (this: unknown, a: unknown, b: unknown, c: unknown, d: unknown) {
        const mine = enterHostCall();
        try {
          return f.call(this, a, b, c, d);
        } finally {
          if (mine) HOST_CALL[0] = 0;
        }
      };
    case 5:
      return function (this: unknown, a: unknown, b: unknown, c: unknown, d: unknown, e: unknown) {
        const mine = enterHostCall();
        try {
          return f.call(this, a, b, c, d, e);
        } finally {
          if (mine) HOST_CALL[0] = 0;
        }
      };
    default:
      // The most a capability takes is eight (kv's compare-and-swap, flattened).
      if (f.length > 8) throw new RangeError(`host function ${name} takes ${f.length} arguments, more than shielded() passes`);
      return function (this: unknown, a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, g: unknown, h: unknown, i: unknown) {
        const mine = enterHostCall();
        try {
          return f.call(this, a, b, c, d, e, g, h, i);
        } finally {
          if (mine) HOST_CALL[0] = 0;
        }
      };
  }
}

/** The capabilities whose host functions change host state, and so are {@link shielded}. */
export const STATEFUL_CAPABILITIES = ['kv', 'log'] as const;

/** {@link shielded} the import modules named (those of {@link STATEFUL_CAPABILITIES}). */
export function shieldModules<T extends Record<string, object>>(imports: T, modules: readonly string[]): T {
  const out: Record<string, object> = {};
  for (const [module, fns] of Object.entries(imports)) out[module] = modules.includes(module) ? shielded(fns) : fns;
  return out as T;
}

/**
 * Run guest code from inside a shielded host call (the `cabi_realloc` for a result): the
 * host-call word is open meanwhile, so a looping guest is stopped there too.
 */
export function reopened<T>(fn: () => T): T {
  if (HOST_CALL[0] !== 1) return fn(); // not inside a shielded call
  HOST_CALL[0] = 0;
  const out = fn();
  if (Atomics.exchange(HOST_CALL, 0, 1) === HOST_CLOSED) throw new DeadlineExceeded(); // the termination follows
  return out;
}

/**
 * A guest on this thread runs under the watchdog with this timeout: the watchdog looks every
 * 1/20 of the shortest such timeout (1 to 50 ms), so a call is stopped within timeout × 1.1
 * plus a wake-up. A fixed cadence, not one per stage: looking again soon whenever it found
 * the thread between stages made it wake (and switch the JS thread's core) ~1,000 times a
 * second under load (measured: -10% req/s over HTTP).
 */
export function watchedTimeout(timeoutMs: number): void {
  DEADLINE_SLOTS[LOOK] = Math.min(DEADLINE_SLOTS[LOOK], Math.max(1, timeoutMs / 20));
}

export class Deadline {
  // Fuel's view of the epoch: which one it last saw, and when (see interrupt).
  #epoch = -1;
  #since = 0;

  /** Begin a guest call that may run `timeoutMs` (0: no deadline). Returns the outer timeout, for {@link leave}. */
  enter(timeoutMs: number): number {
    const outer = DEADLINE_SLOTS[TIMEOUT];
    DEADLINE_SLOTS[TIMEOUT] = timeoutMs > 0 ? timeoutMs : Infinity;
    DEADLINE_SLOTS[EPOCH]++;
    return outer;
  }

  /** The timeout of the call running now (what {@link enter} would return). */
  get current(): number {
    return DEADLINE_SLOTS[TIMEOUT];
  }

  /** End the call: restore what {@link enter} returned (an outer call's time starts over: such nesting is rare). */
  leave(outer: number): void {
    DEADLINE_SLOTS[TIMEOUT] = outer;
    DEADLINE_SLOTS[EPOCH]++;
  }

  /**
   * The imported function: the next slice of fuel, or a throw past the deadline. The first
   * slice a stage call runs out of starts its clock, so a call is stopped within its timeout
   * plus two slices.
   */
  readonly interrupt = (): number => {
    const now = performance.now();
    if (DEADLINE_SLOTS[EPOCH] !== this.#epoch) {
      this.#epoch = DEADLINE_SLOTS[EPOCH];
      this.#since = now;
    } else if (now - this.#since > DEADLINE_SLOTS[TIMEOUT]) {
      // Any further slice of the same call throws again (a guest cannot catch its way out).
      throw new DeadlineExceeded();
    }
    return FUEL_SLICE;
  };

  /** The imports object a rewritten core module needs. */
  imports(): WebAssembly.Imports {
    return { [SANDBOX_IMPORT.module]: { [SANDBOX_IMPORT.name]: this.interrupt } };
  }
}
