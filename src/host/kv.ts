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

/**
 * One key's entry, also a link in the store's list of entries by last write (oldest
 * first), which eviction walks: a write moves a link to the end with four pointer stores,
 * where re-inserting into the Map (to use its order) costs a delete, a hash insert and a
 * new object per write (~300 ns on Node 20, most of a rate-limit's store time).
 */
interface Entry {
  readonly key: string;
  value: Uint8Array;
  /** Epoch ms after which the entry is gone; Infinity for no expiry. */
  expires: number;
  older: Entry | undefined;
  newer: Entry | undefined;
}

/**
 * A store's value without a copy, for a caller that copies it at once and never keeps or
 * changes it (the host's kv `get`, which lowers it into the guest): a `get` copies into a
 * fresh ArrayBuffer, ~300 ns per call on Node 20. Safe because nothing runs between the
 * peek and the copy: a later write of the same size may change those bytes in place.
 */
export const kPeek: unique symbol = Symbol('witline.kv.peek');

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  const n = a.byteLength;
  if (n !== b.byteLength) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
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
  /**
   * Largest key (in characters) or value (in bytes) one write may store. Default 64 KiB:
   * far above what middleware keeps per key (a token bucket is 16 bytes, a cached JWT a
   * few KiB), far below what would let one request make the host hold megabytes.
   */
  maxValueBytes?: number;
  /**
   * Most key characters plus value bytes the store holds. Default 64 MiB, as much as one
   * guest's memory (`maxMemoryBytes`): 100,000 entries of ~600 bytes.
   */
  maxTotalBytes?: number;
}

/**
 * A write the store refuses: a key or value over `maxValueBytes`, or the store full past
 * `maxTotalBytes` after expired entries are swept. Thrown into the guest's call, it fails
 * that call as a trap would (500 for the request, the instance replaced): the WIT `set` has
 * no error case, and a write dropped silently would let the guest believe it had stored.
 * Live entries are never evicted to make room: one guest's flood would otherwise reset
 * every client's rate-limit bucket.
 */
export class KvLimitError extends RangeError {
  override name = 'KvLimitError';
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
  // The list by last write: `#oldest` is evicted first, `#newest` was written last.
  #oldest: Entry | undefined = undefined;
  #newest: Entry | undefined = undefined;
  #now: () => number;
  readonly #maxEntries: number;
  readonly #maxValueBytes: number;
  readonly #maxTotalBytes: number;
  // Key characters plus value bytes of every entry held (expired ones included until swept).
  #bytes = 0;

  constructor(options: MemoryStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#maxEntries = options.maxEntries ?? 100_000;
    this.#maxValueBytes = options.maxValueBytes ?? 64 * 1024;
    this.#maxTotalBytes = options.maxTotalBytes ?? 64 * 1024 * 1024;
    for (const [k, v] of [
      ['maxEntries', this.#maxEntries],
      ['maxValueBytes', this.#maxValueBytes],
      ['maxTotalBytes', this.#maxTotalBytes],
    ] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new RangeError(`MemoryStore: ${k} must be a positive integer, got ${v}`);
    }
  }

  /** Key characters plus value bytes held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Use another time source (a pipeline hands over its clock). */
  useClock(now: () => number): void {
    this.#now = now;
  }

  get size(): number {
    return this.#entries.size;
  }

  // `now`: the clock read once per operation (a compare-and-swap reads the entry and writes it).
  #live(key: string, now: number): Entry | undefined {
    const e = this.#entries.get(key);
    if (e && e.expires <= now) {
      this.#remove(e);
      return undefined;
    }
    return e;
  }

  #unlink(e: Entry): void {
    if (e.older) e.older.newer = e.newer;
    else this.#oldest = e.newer;
    if (e.newer) e.newer.older = e.older;
    else this.#newest = e.older;
    e.older = e.newer = undefined;
  }

  #append(e: Entry): void {
    e.older = this.#newest;
    if (this.#newest) this.#newest.newer = e;
    else this.#oldest = e;
    this.#newest = e;
  }

  #remove(e: Entry): void {
    this.#entries.delete(e.key);
    this.#unlink(e);
    this.#bytes -= e.key.length + e.value.byteLength;
  }

  /** Store a copy of `value` (the caller's bytes are never kept): in place when the entry's are the same size. */
  #put(key: string, value: Uint8Array, ttlMs: number, now: number): void {
    if (key.length > this.#maxValueBytes) throw new KvLimitError(`kv: a key of ${key.length} characters, over maxValueBytes (${this.#maxValueBytes})`);
    if (value.byteLength > this.#maxValueBytes) {
      throw new KvLimitError(`kv: a value of ${value.byteLength} bytes, over maxValueBytes (${this.#maxValueBytes})`);
    }
    let old = this.#entries.get(key);
    const grow = value.byteLength - (old ? old.value.byteLength : -key.length);
    if (this.#bytes + grow > this.#maxTotalBytes) {
      this.#sweep();
      old = this.#entries.get(key);
      const after = value.byteLength - (old ? old.value.byteLength : -key.length);
      if (this.#bytes + after > this.#maxTotalBytes) throw new KvLimitError(`kv: the store is full (maxTotalBytes ${this.#maxTotalBytes})`);
    }
    const expires = ttlMs > 0 ? now + ttlMs : Infinity;
    if (old) {
      this.#bytes += value.byteLength - old.value.byteLength;
      if (old.value.byteLength === value.byteLength) old.value.set(value);
      else old.value = new Uint8Array(value);
      old.expires = expires;
      if (old !== this.#newest) {
        this.#unlink(old);
        this.#append(old);
      }
      return;
    }
    const e: Entry = { key, value: new Uint8Array(value), expires, older: undefined, newer: undefined };
    this.#entries.set(key, e);
    this.#append(e);
    this.#bytes += key.length + value.byteLength;
    if (this.#entries.size > this.#maxEntries) this.#evict();
  }

  #sweep(): void {
    const now = this.#now();
    for (let e = this.#oldest; e;) {
      const next = e.newer;
      if (e.expires <= now) this.#remove(e);
      e = next;
    }
  }

  #evict(): void {
    this.#sweep();
    while (this.#entries.size > this.#maxEntries && this.#oldest) this.#remove(this.#oldest);
  }

  get(key: string): Uint8Array | undefined {
    return this.#live(key, this.#now())?.value.slice();
  }

  [kPeek](key: string): Uint8Array | undefined {
    return this.#live(key, this.#now())?.value;
  }

  set(key: string, value: Uint8Array, ttlMs: number): void {
    this.#put(key, value, ttlMs, this.#now());
  }

  incr(key: string, delta: bigint, ttlMs: number): bigint {
    const now = this.#now();
    const e = this.#live(key, now);
    const current = e ? decodeCounter(e.value) : 0n;
    if (current === undefined) throw notACounter(key);
    const next = BigInt.asIntN(64, current + delta); // two's-complement wrap, as s64
    const value = encodeCounter(next);
    if (ttlMs > 0 || !e) this.#put(key, value, ttlMs, now);
    else e.value = value; // same size: 8 bytes
    return next;
  }

  compareAndSwap(key: string, expected: Uint8Array | undefined, value: Uint8Array, ttlMs: number): boolean {
    const now = this.#now();
    const e = this.#live(key, now);
    if (expected === undefined ? e !== undefined : !e || !equalBytes(e.value, expected)) return false;
    this.#put(key, value, ttlMs, now);
    return true;
  }

  delete(key: string): void {
    const e = this.#entries.get(key);
    if (e) this.#remove(e);
  }
}
