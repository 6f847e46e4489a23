import type { KvStore } from './kv.js';
import { InternalError, WitlineError } from '../core/errors.js';

/**
 * A store behind the `kv` capability that answers asynchronously (over a network: Redis).
 * Same operations and meaning as {@link KvStore}, but each returns a promise, so a guest
 * calling one must be suspended (JSPI) or run where it can block (a pooled stage, whose
 * worker waits while the main thread awaits the store).
 *
 * Contract for implementations, which hosts rely on so that no request ever hangs:
 * - every operation settles within the store's own deadline;
 * - a store that cannot answer rejects with `StoreUnavailableError` (`WITLINE_STORE_UNAVAILABLE`),
 *   which a stage's failure policy turns into a 503 or a skipped stage;
 * - atomicity of `incr` and `compareAndSwap` holds across every process sharing the store.
 */
export interface AsyncKvStore {
  /** Tells hosts apart a synchronous {@link KvStore} (which has no such member) at run time. */
  readonly asynchronous: true;
  get(key: string): Promise<Uint8Array | undefined>;
  set(key: string, value: Uint8Array, ttlMs: number): Promise<void>;
  /** Add to a signed 64-bit counter (absent = 0, wraps as s64) and return the new value. */
  incr(key: string, delta: bigint, ttlMs: number): Promise<bigint>;
  /** Replace the value if it equals `expected` (undefined: the key must be absent). */
  compareAndSwap(key: string, expected: Uint8Array | undefined, value: Uint8Array, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Resolves once the store can answer (e.g. its first connection is up); rejects if it cannot within its set-up deadline. */
  ready?(): Promise<void>;
  /** Counters for `describe()` and metrics. */
  stats?(): KvStoreStats;
}

/** What an asynchronous store counts since it was created. */
export interface KvStoreStats {
  /** Whether the store can answer now (connected). */
  connected: boolean;
  /** Operations started. */
  operations: number;
  /** Operations rejected with `StoreUnavailableError`, for any reason (timeouts and offline included). */
  failures: number;
  /** Of `failures`: operations past their deadline. */
  timeouts: number;
  /** Of `failures`: operations refused at once because the store was not connected. */
  offline: number;
  /** Reconnection attempts after a lost or failed connection. */
  reconnects: number;
}

/** Whether `store` answers asynchronously (its guests' host calls may suspend). */
export function isAsyncKvStore(store: KvStore | AsyncKvStore): store is AsyncKvStore {
  return (store as Partial<AsyncKvStore>).asynchronous === true;
}

/**
 * What a pipeline with an asynchronous store gives the synchronous kv imports. The planner
 * never runs a stage importing `kv` where it would call this (it is suspended or pooled),
 * so a call here is a bug of witline's, reported as such rather than as a wrong answer.
 */
export function asyncStoreGuard(): KvStore {
  const refuse = (): never => {
    throw new InternalError({ cause: new Error('kv: the store is asynchronous; this call could not wait for it') });
  };
  return { get: refuse, set: refuse, incr: refuse, compareAndSwap: refuse, delete: refuse };
}

/**
 * Store failures per stage, for `describe()`: operations of the stage's guests that the
 * store rejected with `StoreUnavailableError` (in-thread or from a pool's workers alike).
 */
export class StoreFailures {
  readonly #byStage = new Map<string, number>();

  /** Count `err` against `stage` if it is a store failure. */
  count(stage: string, err: unknown): void {
    if (err instanceof WitlineError && err.code === 'WITLINE_STORE_UNAVAILABLE') this.#byStage.set(stage, (this.#byStage.get(stage) ?? 0) + 1);
  }

  of(stage: string): number {
    return this.#byStage.get(stage) ?? 0;
  }
}
