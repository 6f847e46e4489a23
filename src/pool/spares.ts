/**
 * Buffers that came back from workers, kept for the next requests. Every large body
 * would otherwise cost the main thread a fresh zero-filled buffer per task, and the
 * churn of external memory drives frequent full garbage collections, which show up as
 * event-loop delay. A few buffers in rotation avoid both.
 */
export class Spares {
  readonly #free: ArrayBuffer[] = [];
  readonly #max: number;
  // At most `max` buffers of at most 4 MiB are kept: a bounded amount of memory.
  static readonly LARGEST = 4 * 1024 * 1024;

  constructor(max: number) {
    this.#max = max;
  }

  /** A spare buffer of at least `size` bytes, if one is kept. */
  take(size: number): ArrayBuffer | undefined {
    for (let i = this.#free.length - 1; i >= 0; i--) {
      const b = this.#free[i];
      if (b.byteLength >= size) {
        this.#free[i] = this.#free[this.#free.length - 1];
        this.#free.pop();
        return b;
      }
    }
    return undefined;
  }

  /** Keep a buffer nothing refers to any more (a detached one is ignored). */
  give(buf: ArrayBuffer): void {
    if (buf.byteLength === 0 || buf.byteLength > Spares.LARGEST) return;
    if (this.#free.length < this.#max) this.#free.push(buf);
    else {
      // Keep the larger buffers: they fit more requests.
      let small = 0;
      for (let i = 1; i < this.#free.length; i++) if (this.#free[i].byteLength < this.#free[small].byteLength) small = i;
      if (this.#free[small].byteLength < buf.byteLength) this.#free[small] = buf;
    }
  }
}
