/**
 * The deadline of the guest call running on this thread, and the host side of fuel.
 *
 * Guests' core modules are rewritten at load (`component/sandbox.ts`) to spend fuel from a
 * global counter: a loop iteration costs one unit, a call 100 (`CALL_COST`); when the
 * {@link FUEL_SLICE} units run out they call the imported {@link SANDBOX_IMPORT} function, which reads the
 * clock: before the deadline it hands out the next slice, past it it throws
 * {@link DeadlineExceeded}, which unwinds the Wasm call (to the host, a trap: the instance
 * is dropped). Fuel measures work, not time, so the clock is read only when a slice runs
 * out: often enough to stop a looping guest a few ms after its deadline, rarely enough to
 * cost nothing measurable.
 *
 * Calls are synchronous and one thread runs one guest call at a time, so one deadline per
 * thread is enough: whoever calls a guest enters it right before and leaves right after
 * (nested calls, such as a replacement configured while a failed call unwinds, get the
 * outer deadline back).
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

/** Thrown by the interrupt past the deadline; guests turn it into `WITLINE_STAGE_TIMEOUT`. */
export class DeadlineExceeded extends Error {
  override name = 'DeadlineExceeded';
  constructor() {
    super('the guest call ran past its deadline');
  }
}

export class Deadline {
  #at = Infinity;

  /** Begin a guest call that may run `timeoutMs` (0: no deadline). Returns the outer deadline, for {@link leave}. */
  enter(timeoutMs: number): number {
    const outer = this.#at;
    this.#at = timeoutMs > 0 ? performance.now() + timeoutMs : Infinity;
    return outer;
  }

  /** End the call: restore what {@link enter} returned. */
  leave(outer: number): void {
    this.#at = outer;
  }

  /** The imported function: the next slice of fuel, or a throw past the deadline. */
  readonly interrupt = (): number => {
    if (performance.now() > this.#at) {
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
