/**
 * When did a pooled task start running? A stage's `timeoutMs` counts from the moment a
 * worker picks its task up, not from when it was queued. Workers mark that moment in a
 * shared board (one slot per task in flight, a `SharedArrayBuffer` every worker of the
 * pool maps): no message per task, and the main thread reads it only when a timer fires.
 */
export class StartBoard {
  /** Shared with the workers (through `workerData`). */
  readonly buffer: SharedArrayBuffer;
  /**
   * Epoch ms that slot values count from. Values are Int32 ms that wrap every 49 days;
   * differences taken with the same wrap stay right for any task shorter than 24 days.
   */
  readonly base = Date.now();
  readonly #slots: Int32Array;
  readonly #free: number[];
  readonly #claimed = new Set<number>();

  constructor(capacity: number) {
    this.buffer = new SharedArrayBuffer(4 * capacity);
    this.#slots = new Int32Array(this.buffer);
    this.#free = Array.from({ length: capacity }, (_, i) => capacity - 1 - i);
  }

  /**
   * A slot for a task about to be submitted, or -1 when all are taken (only response
   * phases, which are never refused, can get there): such a task's deadline then counts
   * from its submission.
   */
  claim(): number {
    const slot = this.#free.pop();
    if (slot === undefined) return -1;
    Atomics.store(this.#slots, slot, 0);
    this.#claimed.add(slot);
    return slot;
  }

  release(slot: number): void {
    if (this.#claimed.delete(slot)) this.#free.push(slot);
  }

  /** Ms since the task in `slot` started, or undefined while it waits in the queue. */
  elapsed(slot: number): number | undefined {
    if (slot < 0) return undefined;
    const v = Atomics.load(this.#slots, slot);
    return v === 0 ? undefined : (stamp(this.base) - v) | 0;
  }

  /** Tasks in flight that a worker has started. */
  get running(): number {
    let n = 0;
    for (const slot of this.#claimed) if (Atomics.load(this.#slots, slot) !== 0) n++;
    return n;
  }

  /**
   * Call `expire` once the task in `slot` has run `timeoutMs` since it started; returns a
   * cancel function. While the task waits in the queue the board is looked at again at
   * most every second, so a queued task costs a timer, nothing more.
   */
  deadline(slot: number, timeoutMs: number, expire: () => void): () => void {
    let timer: NodeJS.Timeout;
    if (slot < 0) {
      timer = setTimeout(expire, timeoutMs);
      return () => clearTimeout(timer);
    }
    const check = () => {
      const elapsed = this.elapsed(slot);
      if (elapsed === undefined) {
        timer = setTimeout(check, Math.min(timeoutMs, 1000));
        return;
      }
      const left = timeoutMs - elapsed;
      if (left <= 0) expire();
      else timer = setTimeout(check, left);
    };
    timer = setTimeout(check, timeoutMs);
    return () => clearTimeout(timer);
  }
}

/** Now as a board value: wrapping Int32 ms since `base`, never 0 (0 means "not started"). */
function stamp(base: number): number {
  return (Date.now() - base) | 0 || 1;
}

/** Worker: mark the task in `slot` as started now. */
export function markStarted(board: { slots: Int32Array; base: number }, slot: number): void {
  if (slot >= 0) Atomics.store(board.slots, slot, stamp(board.base));
}
