/**
 * The deadline of the guest call running on this thread, and the host side of fuel.
 *
 * Guests' core modules are rewritten at load (`component/sandbox.ts`) to spend one unit of
 * a fuel counter at every function entry and loop header; when a slice of {@link FUEL_SLICE}
 * units runs out they call the imported {@link SANDBOX_IMPORT} function, which reads the
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
 * Units of fuel per clock check. A tight guest loop spends one unit per iteration (about
 * 1–2 ns), so a slice is ~0.1–1 ms of the tightest loop; guest code with more work per
 * iteration takes longer per slice but checks with the same precision relative to its
 * work. Measured: a looping guest stops within 1 ms of its deadline (test/sandbox/).
 */
export const FUEL_SLICE = 100_000;

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
