/**
 * What a stage is declared with, as the layers below the pipeline need it: where its
 * component comes from (component/ reads it) and its pool settings (pool/ runs them).
 */

/** Where a component comes from: a file path, a `file:` URL, or the component's bytes. */
export type ComponentSource = string | URL | Uint8Array;

/**
 * A pooled stage's worker pool (piscina).
 *
 * @example
 * ```ts
 * stage({ component: './build/hash.wasm', pool: { maxThreads: 4, maxQueue: 256, timeoutMs: 2_000 } })
 * stage({ ...rateLimit({ burst: 10, perSecond: 5 }), pool: true })
 * ```
 */
export interface PoolOptions {
  /** Workers kept running even when idle. Default 1. */
  minThreads?: number;
  /** Most workers at once. Default `os.availableParallelism()`. */
  maxThreads?: number;
  /** Requests waiting for a worker at most; past it, 503 `WITLINE_POOL_BUSY` with `Retry-After`. Default `64 × maxThreads`. */
  maxQueue?: number;
  /** The stage's `timeoutMs`, given here (the two must agree when both are given): past it the worker is terminated. */
  timeoutMs?: number;
}

/** How a guest past its stage's `timeoutMs` is stopped on the main thread (see `StageOptions.interrupt`). */
export type Interrupt = 'watchdog' | 'fuel';
