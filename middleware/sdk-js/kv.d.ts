/// <reference path="./wit.d.ts" />
/** The key-value store shared by every instance of the pipeline (capability 'kv'). */
export const kv: {
  /** The value under `key`, or null if absent or expired. */
  get(key: string): Uint8Array | null;
  /** Store `value` under `key`; `ttlMs` 0 (the default) means no expiry. */
  set(key: string, value: Uint8Array | string, ttlMs?: number): void;
  /** Atomically add `delta` to the counter under `key` (absent: 0); the new value. */
  incr(key: string, delta: number, ttlMs?: number): number;
  /** Replace the value if it still equals `expected` (null: absent); true if replaced. */
  compareAndSwap(key: string, expected: Uint8Array | string | null, value: Uint8Array | string, ttlMs?: number): boolean;
  delete(key: string): void;
};
