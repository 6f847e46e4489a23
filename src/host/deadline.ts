/**
 * The deadline of the guest call running on this thread, and the two ways it is enforced.
 *
 * - The watchdog (`host/watchdog.ts`, the default on the main thread): guests run as they
 *   were built; a native watchdog thread stops a call past its deadline with V8's
 *   TerminateExecution, which a native frame right around the call turns back into
 *   {@link DeadlineExceeded}. Costs one native call per guarded call (~90 ns).
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

/**
 * One per thread, whatever copies of this module the thread loaded (a bundle and its
 * source, say): the watchdog watches one set of slots and throws one class.
 */
const shared: { slots: Float64Array; DeadlineExceeded: typeof DeadlineExceededError } = ((globalThis as any)[Symbol.for('witline.deadline')] ??= {
  slots: new Float64Array([Infinity, 0]),
  DeadlineExceeded: DeadlineExceededError,
});

/**
 * This thread's deadline state, shared with its watchdog thread (which reads it without
 * a lock: each slot is one aligned 8-byte store). Slot 0: the deadline of the call running,
 * in `performance.now()` ms (Infinity: none). Slot 1: host calls in progress, which the
 * watchdog waits out, so that a termination never lands halfway through the host's own
 * bookkeeping (a kv write, a log line): it lands in guest code, or right after the host call returns.
 */
export const DEADLINE_SLOTS = shared.slots;

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
 * Wrap each host function of an imports object so that the watchdog waits until it returns
 * (slot 1 of {@link DEADLINE_SLOTS}). A host call runs for a bounded time (the kv store has
 * limits, an async store is awaited elsewhere), so the wait is bounded too.
 */
export function shielded<T extends object>(imports: T): T {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(imports)) {
    if (typeof value === 'function') {
      const f = value as (...args: unknown[]) => unknown;
      out[name] = function (this: unknown, ...args: unknown[]) {
        DEADLINE_SLOTS[1]++;
        try {
          return f.apply(this, args);
        } finally {
          DEADLINE_SLOTS[1]--;
        }
      };
    } else {
      out[name] = value;
    }
  }
  return out as T;
}

export class Deadline {
  /** Begin a guest call that may run `timeoutMs` (0: no deadline). Returns the outer deadline, for {@link leave}. */
  enter(timeoutMs: number): number {
    const outer = DEADLINE_SLOTS[0];
    DEADLINE_SLOTS[0] = timeoutMs > 0 ? performance.now() + timeoutMs : Infinity;
    return outer;
  }

  /** End the call: restore what {@link enter} returned. */
  leave(outer: number): void {
    DEADLINE_SLOTS[0] = outer;
  }

  /** The imported function: the next slice of fuel, or a throw past the deadline. */
  readonly interrupt = (): number => {
    if (performance.now() > DEADLINE_SLOTS[0]) {
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
