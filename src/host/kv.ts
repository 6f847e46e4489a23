/**
 * The store behind the `kv` capability. Every operation is synchronous because guests
 * call it synchronously from inside a Wasm call; atomicity comes from that (no other
 * code runs on this thread until the operation returns).
 */
export interface KvStore {
  get(key: string): Uint8Array | undefined;
  set(key: string, value: Uint8Array, ttlMs: number): void;
  /** Add to a signed 64-bit counter (absent = 0) and return the new value. */
  incr(key: string, delta: bigint, ttlMs: number): bigint;
  /** Replace the value if it equals `expected` (undefined: the key must be absent). */
  compareAndSwap(key: string, expected: Uint8Array | undefined, value: Uint8Array, ttlMs: number): boolean;
  delete(key: string): void;
}

interface Entry {
  value: Uint8Array;
  /** Epoch ms after which the entry is gone; Infinity for no expiry. */
  expires: number;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Counters are stored as 8-byte little-endian two's-complement s64, so that `get` reads
 * the same bytes from every store (`RedisStore` keeps this encoding too).
 */
export function encodeCounter(n: bigint): Uint8Array {
  const value = new Uint8Array(8);
  new DataView(value.buffer).setBigInt64(0, BigInt.asIntN(64, n), true);
  return value;
}

/** The counter held by `value`, or undefined if it is not 8 bytes long (not a counter). */
export function decodeCounter(value: Uint8Array): bigint | undefined {
  if (value.byteLength !== 8) return undefined;
  return new DataView(value.buffer, value.byteOffset, 8).getBigInt64(0, true);
}

/** What `incr` throws on a key holding something other than a counter, in every store. */
export function notACounter(key: string): TypeError {
  return new TypeError(`kv: '${key}' does not hold a counter`);
}

/** Options for {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** The time source for expiry, in epoch ms; pipelines pass their clock. Default `Date.now`. */
  now?: () => number;
  /** Entries kept at most; past it, expired entries are swept, then the oldest are evicted. Default 100,000. */
  maxEntries?: number;
}

/**
 * An in-process key-value store with per-key expiry: the default `kv` of a pipeline.
 *
 * @example
 * ```ts
 * const kv = new MemoryStore()
 * const a = pipeline([rateLimit({ burst: 5, perSecond: 1 })], { kv })
 * const b = pipeline([rateLimit({ burst: 5, perSecond: 1 })], { kv }) // shares the buckets
 * ```
 */
export class MemoryStore implements KvStore {
  readonly #entries = new Map<string, Entry>();
  #now: () => number;
  readonly #maxEntries: number;

  constructor(options: MemoryStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#maxEntries = options.maxEntries ?? 100_000;
  }

  /** Use another time source (a pipeline hands over its clock). */
  useClock(now: () => number): void {
    this.#now = now;
  }

  get size(): number {
    return this.#entries.size;
  }

  #live(key: string): Entry | undefined {
    const e = this.#entries.get(key);
    if (e && e.expires <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return e;
  }

  #put(key: string, value: Uint8Array, ttlMs: number): void {
    const expires = ttlMs > 0 ? this.#now() + ttlMs : Infinity;
    // Re-inserting moves the key to the end, so Map order is least-recently-written first.
    this.#entries.delete(key);
    this.#entries.set(key, { value, expires });
    if (this.#entries.size > this.#maxEntries) this.#evict();
  }

  #evict(): void {
    const now = this.#now();
    for (const [k, e] of this.#entries) if (e.expires <= now) this.#entries.delete(k);
    for (const k of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries) break;
      this.#entries.delete(k);
    }
  }

  get(key: string): Uint8Array | undefined {
    return this.#live(key)?.value.slice();
  }

  set(key: string, value: Uint8Array, ttlMs: number): void {
    this.#put(key, value.slice(), ttlMs);
  }

  incr(key: string, delta: bigint, ttlMs: number): bigint {
    const e = this.#live(key);
    const current = e ? decodeCounter(e.value) : 0n;
    if (current === undefined) throw notACounter(key);
    const next = BigInt.asIntN(64, current + delta); // two's-complement wrap, as s64
    const value = encodeCounter(next);
    if (ttlMs > 0 || !e) this.#put(key, value, ttlMs);
    else e.value = value;
    return next;
  }

  compareAndSwap(key: string, expected: Uint8Array | undefined, value: Uint8Array, ttlMs: number): boolean {
    const e = this.#live(key);
    if (expected === undefined ? e !== undefined : !e || !equalBytes(e.value, expected)) return false;
    this.#put(key, value.slice(), ttlMs);
    return true;
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}
