import { isAscii } from 'node:buffer';

/** A value a guest returned that does not fit its type or its memory: the guest is at fault. */
export class AbiError extends Error {
  override name = 'AbiError';
}

const encoder = new TextEncoder();
// Past this many characters, native encoding beats a JavaScript loop even with its subarray view.
const LONG_STRING = 48;
const decoder = new TextDecoder('utf-8', { fatal: true });

// Node's native latin1 slicing: for ASCII bytes the fastest way to a JS string.
type SliceBuffer = Buffer & { latin1Slice(start: number, end: number): string };

// Short strings recur across requests (header names, common values): an intern table,
// checked word for word, returns the same JS string without a native call. A miss or a
// collision only costs the slice it would have cost anyway.
const INTERN_SLOTS = 4096;
const INTERN_MAX = 32;
const WORDS = INTERN_MAX / 4;
const internedString: Array<string | undefined> = new Array(INTERN_SLOTS).fill(undefined);
// Per slot: the string's length (0: empty slot) and its bytes as little-endian words, the last one zero-padded.
const internedLength = new Int32Array(INTERN_SLOTS);
const internedWords = new Int32Array(INTERN_SLOTS * WORDS);
// The bytes of a last word that belong to a string of length ≡ i (mod 4).
const LAST = [-1, 0xff, 0xffff, 0xffffff];

/**
 * The interned string for ASCII bytes [ptr, ptr+len) (1 ≤ len ≤ INTERN_MAX), or undefined
 * if they are not ASCII or lie too near the end of the memory to read in words. The bytes
 * are compared four at a time (a DataView read each, the last word masked): a loop over
 * `charCodeAt` cost ~4 ns a character, more than the slice it saves past ~16 characters.
 * The slot is hashed from the length and the first and last words; strings that differ
 * only elsewhere share a slot and evict each other: each miss costs the slice it would have
 * cost anyway.
 */
function internAscii(dv: DataView, ptr: number, len: number, buf: SliceBuffer): string | undefined {
  const n = (len + 3) >>> 2;
  if (ptr + n * 4 > dv.byteLength) return undefined;
  const last = dv.getInt32(ptr + (n - 1) * 4, true) & LAST[len & 3];
  const first = n === 1 ? last : dv.getInt32(ptr, true);
  const h = Math.imul(first ^ Math.imul(last, 31) ^ len, 0x9e3779b1);
  const slot = ((h >>> 0) ^ (h >>> 20)) & (INTERN_SLOTS - 1);
  const at = slot * WORDS;
  if (internedLength[slot] === len && internedWords[at] === first && internedWords[at + n - 1] === last) {
    let i = 1;
    while (i < n - 1 && internedWords[at + i] === dv.getInt32(ptr + i * 4, true)) i++;
    if (i >= n - 1) return internedString[slot];
  }
  // A miss: ASCII only (an interned string is always ASCII), then sliced and kept.
  let high = last;
  for (let i = 0; i < n - 1; i++) high |= dv.getInt32(ptr + i * 4, true);
  if ((high & 0x80808080) !== 0) return undefined;
  const fresh = buf.latin1Slice(ptr, ptr + len);
  for (let i = 0; i < n - 1; i++) internedWords[at + i] = dv.getInt32(ptr + i * 4, true);
  internedWords[at + n - 1] = last;
  internedLength[slot] = len;
  internedString[slot] = fresh;
  return fresh;
}

function decode(u8: Uint8Array, ptr: number, len: number): string {
  try {
    return decoder.decode(u8.subarray(ptr, ptr + len));
  } catch {
    throw new AbiError('string is not valid UTF-8');
  }
}

/**
 * A memory laid out as the Canonical ABI lays values out: a guest's linear memory, or a
 * host-side buffer with the same layout (for snapshots and for requests sent to worker
 * threads). Typed-array views are re-created only when the memory has grown (a grown
 * Wasm memory detaches the old buffer, whose byteLength then reads 0), never per call.
 */
export abstract class AbiMemory {
  u8!: Uint8Array;
  u16!: Uint16Array;
  u32!: Uint32Array;
  /** The same bytes for unaligned word access: short copies move four bytes at a time (~2× a byte loop). */
  dv!: DataView;
  #buf!: SliceBuffer;

  protected view(buffer: ArrayBufferLike): void {
    this.u8 = new Uint8Array(buffer);
    this.u16 = new Uint16Array(buffer);
    this.u32 = new Uint32Array(buffer);
    this.#buf = Buffer.from(buffer) as SliceBuffer;
    this.dv = new DataView(buffer);
  }

  /** One fresh allocation of `size` bytes at `align`. */
  abstract alloc(size: number, align: number): number;

  /**
   * The allocations until `release()` will need about `size` bytes in all (a value's
   * strings and lists): a memory that can serve them from one allocation does so
   * (GuestMemory, for an arena guest). Only a hint: allocations past it are made as usual.
   * Callers release in a `finally`, so that no reservation outlives the value it was for.
   */
  reserve(_size: number): void {}
  /** Whether `reserve` does anything here: callers skip measuring a value when it does not. */
  get packs(): boolean {
    return false;
  }
  /** End what `reserve` began. */
  release(): void {}
  /** Grow or shrink the allocation at `ptr` (only ever the last one made). */
  protected abstract resize(ptr: number, oldSize: number, align: number, newSize: number): number;
  /** Re-create the views if the memory grew. */
  abstract refresh(): void;

  /**
   * Lower a string: allocate its UTF-16 length and write it as ASCII; on the first
   * non-ASCII character, resize the allocation to the UTF-8 length (as the Canonical ABI
   * does for UTF-16 sources) and encode natively. (ptr, len) go to `out[at]`, `out[at+1]`.
   */
  writeString(s: string, out: Int32Array, at: number): void {
    const n = s.length;
    let ptr = n === 0 ? 1 : this.alloc(n, 1);
    if (n > LONG_STRING) {
      // Natively: a string that is all ASCII fills exactly its UTF-16 length.
      const { read, written } = encoder.encodeInto(s, this.u8.subarray(ptr, ptr + n));
      if (read === n && written === n) {
        out[at] = ptr;
        out[at + 1] = n;
        return;
      }
      return this.#writeUtf8(s, ptr, n, out, at);
    }
    const u8 = this.u8;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) return this.#writeUtf8(s, ptr, n, out, at);
      u8[ptr + i] = c;
    }
    out[at] = ptr;
    out[at + 1] = n;
  }

  /** A string with non-ASCII characters: its allocation resized to the UTF-8 length, encoded natively. */
  #writeUtf8(s: string, ptr: number, n: number, out: Int32Array, at: number): void {
    const len = Buffer.byteLength(s, 'utf8');
    ptr = this.resize(ptr, n, 1, len);
    encoder.encodeInto(s, this.u8.subarray(ptr, ptr + len));
    out[at] = ptr;
    out[at + 1] = len;
  }

  /** Lower bytes into one allocation. */
  writeBytes(b: Uint8Array, out: Int32Array, at: number): void {
    const n = b.byteLength;
    const ptr = n === 0 ? 1 : this.alloc(n, 1);
    if (n) this.u8.set(b, ptr);
    out[at] = ptr;
    out[at + 1] = n;
  }

  /** Lift a string: ASCII through Node's latin1 slice, the rest through a fatal UTF-8 decoder. */
  readString(ptr: number, len: number): string {
    const u8 = this.u8;
    const end = ptr + len;
    if (end > u8.byteLength) throw new AbiError('string out of bounds');
    if (len === 0) return '';
    const interned = len <= INTERN_MAX ? internAscii(this.dv, ptr, len, this.#buf) : undefined;
    if (interned !== undefined) return interned;
    if (isAscii(u8.subarray(ptr, end))) return this.#buf.latin1Slice(ptr, end);
    return decode(u8, ptr, len);
  }

  /**
   * The bytes [ptr, ptr+len) as a view, no copy: valid only until the guest runs again, for
   * a callee that reads them at once and copies what it keeps (MemoryStore's writes and
   * compares, inside a kv host call).
   */
  borrow(ptr: number, len: number): Uint8Array {
    if (ptr + len > this.u8.byteLength) throw new AbiError('list out of bounds');
    return this.u8.subarray(ptr, ptr + len);
  }

  /**
   * Lift bytes as a copy the guest can no longer change, from Node's buffer pool when small
   * (1 KiB: ~160 ns against 356 for an ArrayBuffer of its own on Node 20, ~80 against 310
   * on Node 26): for values that live about as long as a request (bodies, kv arguments).
   * A Uint8Array as jco lifts it, whose `.buffer` may be shared: use its offset and length,
   * and copy what is kept for long (the pool's 8 KiB slabs stay alive while a view holds them).
   */
  readShared(ptr: number, len: number): Uint8Array {
    if (ptr + len > this.u8.byteLength) throw new AbiError('list out of bounds');
    const out = Buffer.allocUnsafe(len);
    // Short values (kv buckets, keys) by a loop: Buffer#copy costs more than the bytes.
    if (len <= 64) {
      const u8 = this.u8;
      for (let i = 0; i < len; i++) out[i] = u8[ptr + i];
    } else this.#buf.copy(out, 0, ptr, ptr + len);
    return new Uint8Array(out.buffer, out.byteOffset, len);
  }
}

/** The memory and allocator a guest's lifts and lowers use. */
export interface CoreMemory {
  memory: WebAssembly.Memory;
  realloc: (oldPtr: number, oldSize: number, align: number, newSize: number) => number;
}

// Largest reservation: a value's head (method, target, headers) is bounded by the limits
// long before this; anything larger (a hostile guest's aliased lengths) is allocated piece
// by piece, each piece failing or not on its own as without reservations.
const MAX_RESERVE = 64 * 1024;
/**
 * The staged hop's scratch block in an arena guest (see GuestMemory.scratch): a value's head
 * (and a body up to 1 KiB) past this, less 64 bytes of results, is copied piece by piece.
 */
export const SCRATCH_BYTES = 8 * 1024;

/**
 * One guest's linear memory; every allocation is a `cabi_realloc` call the guest owns.
 *
 * For an arena guest (its module declares it: ARENA_SECTION, read in component/direct.ts;
 * witline's AssemblyScript SDK, whose allocator never frees a block on its own and is
 * rewound whole by post-return) one
 * `cabi_realloc` may hold many values: `reserve` makes one call for all the strings of a
 * value and the allocations share it, where the Canonical ABI's one call per string would
 * cost a JS→Wasm call each (~20 per request header list). A guest that declares an arena
 * falsely and frees a piece of it can only corrupt its own memory: every lift is bounds-checked.
 */
export class GuestMemory extends AbiMemory {
  readonly memory: WebAssembly.Memory;
  readonly #realloc: CoreMemory['realloc'];
  readonly #arena: boolean;
  // The open reservation: [#start, #end), the next free byte at #next; #end 0 when none.
  #start = 0;
  #next = 0;
  #end = 0;
  /** Wasm hop instances from this memory into others (see wasm-hop.ts), made on first use. */
  readonly hops = new Map<GuestMemory, unknown>();
  /** The Wasm hop check over this memory (abi/hop-check.ts), made on first use. */
  hopCheck: unknown;
  /**
   * Where the staged hop (staged-hop.ts) gathers a value leaving this guest: a block of
   * SCRATCH_BYTES the guest's arena keeps for the instance's life; 0 when there is none.
   */
  get scratch(): number {
    return this.#scratch;
  }
  #scratch = 0;
  #claimed = 0;

  /** The guest's `cabi_realloc`, for a Wasm hop that allocates in this memory. */
  get realloc(): CoreMemory['realloc'] {
    return this.#realloc;
  }

  constructor(core: CoreMemory, arena = false) {
    super();
    this.memory = core.memory;
    this.#realloc = core.realloc;
    this.#arena = arena;
    this.view(core.memory.buffer);
  }

  /** True for an arena guest (see the class comment). */
  override get packs(): boolean {
    return this.#arena;
  }

  /**
   * Allocate the staged hop's scratch block, before `configure` is called: what an arena
   * guest allocated before its configure returned lies below the mark its post-returns
   * rewind to (both SDKs keep the settings so), so the block is never handed out again.
   * Only where it fits in the memory as it is (the next allocation, probed, lies far enough
   * from its end): the block never makes the memory grow, so a guest's memory cap
   * (maxMemoryBytes) binds where it did. It takes SCRATCH_BYTES of the guest's memory.
   */
  claimScratch(): void {
    if (!this.#arena) return;
    const next = this.#realloc(0, 0, 8, 8) >>> 0;
    this.refresh();
    if (next + 8 + 16 + SCRATCH_BYTES > this.u8.byteLength) return;
    this.#claimed = this.#realloc(0, 0, 8, SCRATCH_BYTES);
    this.refresh();
  }

  /**
   * After configure and its post-return: the block counts as kept only if the next
   * allocation lies past it (an arena whose mark was below it would hand it out again; such a
   * guest, or one with no configure, has no scratch block and its hops copy piece by piece).
   * The probe's 8 bytes are the arena's, rewound or kept as it does.
   */
  confirmScratch(): void {
    const at = this.#claimed;
    this.#claimed = 0;
    if (at < 64 || at % 8 !== 0) return;
    const probe = this.#realloc(0, 0, 8, 8) >>> 0;
    this.refresh();
    if (probe >= at + SCRATCH_BYTES && at + SCRATCH_BYTES <= this.u8.byteLength) this.#scratch = at;
  }

  override reserve(size: number): void {
    if (!this.#arena || size === 0 || size > MAX_RESERVE) return;
    const ptr = this.#realloc(0, 0, 8, size);
    if (this.u8.byteLength === 0) this.view(this.memory.buffer);
    this.#start = this.#next = ptr;
    this.#end = ptr + size;
  }

  override release(): void {
    this.#end = 0;
  }

  refresh(): void {
    if (this.u8.byteLength === 0) this.view(this.memory.buffer);
  }

  // No check of what cabi_realloc returns: typed arrays never write outside the guest's
  // memory, so a lying allocator can only corrupt the guest itself, which its own lifts
  // (bounds-checked) then report. The hot path stays one call and one length check.
  alloc(size: number, align: number): number {
    if (this.#end !== 0) {
      const p = (this.#next + align - 1) & -align;
      if (p + size <= this.#end) {
        this.#next = p + size;
        return p;
      }
    }
    const ptr = this.#realloc(0, 0, align, size);
    if (this.u8.byteLength === 0) this.view(this.memory.buffer);
    return ptr;
  }

  protected resize(ptr: number, oldSize: number, align: number, newSize: number): number {
    if (this.#end !== 0 && ptr >= this.#start && ptr < this.#end) {
      // Inside the reservation: the last piece grows in place if it fits; never hand
      // cabi_realloc a pointer it did not return.
      if (ptr + oldSize === this.#next && ptr + newSize <= this.#end) {
        this.#next = ptr + newSize;
        return ptr;
      }
      const p = this.alloc(newSize, align);
      this.u8.copyWithin(p, ptr, ptr + Math.min(oldSize, newSize));
      return p;
    }
    const p = this.#realloc(ptr, oldSize, align, newSize);
    this.refresh();
    return p;
  }
}
