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
// checked byte for byte, returns the same JS string without a native call. A miss or a
// collision only costs the slice it would have cost anyway.
const INTERN_SLOTS = 4096;
const INTERN_MAX = 32;
const interned: Array<string | undefined> = new Array(INTERN_SLOTS).fill(undefined);

/** The interned string for ASCII bytes [ptr, ptr+len), or undefined if they are not ASCII. */
function internAscii(u8: Uint8Array, ptr: number, len: number, buf: SliceBuffer): string | undefined {
  let h = 0x811c9dc5 ^ len;
  for (let i = ptr; i < ptr + len; i++) {
    const c = u8[i];
    if (c > 0x7f) return undefined;
    h = Math.imul(h ^ c, 16777619);
  }
  const slot = (h >>> 0) & (INTERN_SLOTS - 1);
  const s = interned[slot];
  if (s !== undefined && s.length === len) {
    let same = true;
    for (let i = 0; i < len; i++) {
      if (s.charCodeAt(i) !== u8[ptr + i]) {
        same = false;
        break;
      }
    }
    if (same) return s;
  }
  const fresh = buf.latin1Slice(ptr, ptr + len);
  interned[slot] = fresh;
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
  #buf!: SliceBuffer;

  protected view(buffer: ArrayBufferLike): void {
    this.u8 = new Uint8Array(buffer);
    this.u16 = new Uint16Array(buffer);
    this.u32 = new Uint32Array(buffer);
    this.#buf = Buffer.from(buffer) as SliceBuffer;
  }

  /** One fresh allocation of `size` bytes at `align`. */
  abstract alloc(size: number, align: number): number;
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
    if (len <= INTERN_MAX) return internAscii(u8, ptr, len, this.#buf) ?? decode(u8, ptr, len);
    if (isAscii(u8.subarray(ptr, end))) return this.#buf.latin1Slice(ptr, end);
    return decode(u8, ptr, len);
  }

  /** Lift bytes as a copy the guest can no longer change. */
  readBytes(ptr: number, len: number): Uint8Array {
    if (ptr + len > this.u8.byteLength) throw new AbiError('list out of bounds');
    return this.u8.slice(ptr, ptr + len);
  }
}

/** The memory and allocator a guest's lifts and lowers use. */
export interface CoreMemory {
  memory: WebAssembly.Memory;
  realloc: (oldPtr: number, oldSize: number, align: number, newSize: number) => number;
}

/** One guest's linear memory; every allocation is a `cabi_realloc` call the guest owns. */
export class GuestMemory extends AbiMemory {
  readonly memory: WebAssembly.Memory;
  readonly #realloc: CoreMemory['realloc'];
  /** Wasm hop instances from this memory into others (see wasm-hop.ts), made on first use. */
  readonly hops = new Map<GuestMemory, unknown>();

  /** The guest's `cabi_realloc`, for a Wasm hop that allocates in this memory. */
  get realloc(): CoreMemory['realloc'] {
    return this.#realloc;
  }

  constructor(core: CoreMemory) {
    super();
    this.memory = core.memory;
    this.#realloc = core.realloc;
    this.view(core.memory.buffer);
  }

  refresh(): void {
    if (this.u8.byteLength === 0) this.view(this.memory.buffer);
  }

  // No check of what cabi_realloc returns: typed arrays never write outside the guest's
  // memory, so a lying allocator can only corrupt the guest itself, which its own lifts
  // (bounds-checked) then report. The hot path stays one call and one length check.
  alloc(size: number, align: number): number {
    const ptr = this.#realloc(0, 0, align, size);
    if (this.u8.byteLength === 0) this.view(this.memory.buffer);
    return ptr;
  }

  protected resize(ptr: number, oldSize: number, align: number, newSize: number): number {
    const p = this.#realloc(ptr, oldSize, align, newSize);
    this.refresh();
    return p;
  }
}
