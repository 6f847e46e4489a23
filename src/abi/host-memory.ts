import { REQUEST, REQUEST_FLAT } from './layout.js';
import { copyRequest, copyRequestFlat } from './hop.js';
import { AbiMemory } from './memory.js';

/**
 * Host-side bytes with the guests' layout, bump-allocated. Two uses:
 * - in a fused segment, the response phase needs the request each stage received long
 *   after the guest that produced it ran `post-return`: the request is copied here (the
 *   same hop, into JS-owned bytes) and copied into the stage again later;
 * - a request or response sent to a worker thread travels as such a buffer, transferred,
 *   never structured-cloned as an object graph.
 */
export class HostMemory extends AbiMemory {
  #top = 8; // 0 stays unused, so no pointer into host memory is 0

  constructor(sizeOrBuffer: number | ArrayBuffer = 4096, used = 8) {
    super();
    this.view(typeof sizeOrBuffer === 'number' ? new ArrayBuffer(sizeOrBuffer) : sizeOrBuffer);
    this.#top = used;
  }

  /** Bytes in use: what to send when this memory travels. */
  get used(): number {
    return this.#top;
  }

  refresh(): void {}

  /** Make room up to `end`, keeping the bytes in use. */
  #reserve(end: number): void {
    if (end <= this.u8.byteLength) return;
    let cap = Math.max(this.u8.byteLength * 2, 64);
    while (cap < end) cap *= 2;
    const old = this.u8;
    this.view(new ArrayBuffer(cap));
    this.u8.set(old.subarray(0, this.#top));
  }

  alloc(size: number, align: number): number {
    const ptr = (this.#top + align - 1) & ~(align - 1);
    this.#reserve(ptr + size);
    // Padding is zeroed: the bytes are reused across requests, and a block of this memory
    // may be copied into a guest whole (abi/image.ts).
    if (ptr > this.#top) this.u8.fill(0, this.#top, ptr);
    this.#top = ptr + size;
    return ptr;
  }

  /** Move the next allocation to a multiple of `align` (the padding zeroed). */
  align(align: number): void {
    this.alloc(0, align);
  }

  protected resize(ptr: number, oldSize: number, align: number, newSize: number): number {
    if (ptr + oldSize === this.#top) {
      // The last allocation grows or shrinks in place.
      this.#reserve(ptr + newSize);
      this.#top = ptr + newSize;
      return ptr;
    }
    const to = this.alloc(newSize, align);
    this.u8.copyWithin(to, ptr, ptr + Math.min(oldSize, newSize));
    return to;
  }

  /** Forget everything: the next value reuses the bytes. */
  reset(): void {
    this.#top = 8;
  }

  /** Write the flat request values as a request record here; returns the record's pointer. */
  storeRequest(flat: Int32Array): number {
    const rec = this.alloc(REQUEST.size, 4);
    const w = rec >>> 2;
    // The flat values are the record's words in order (the option tag's word carries the tag byte).
    for (let i = 0; i < REQUEST_FLAT; i++) this.u32[w + i] = flat[i];
    return rec;
  }

  /** Copy the request record at `ptr` in `src` here; returns this memory's record pointer. */
  takeRequest(src: AbiMemory, ptr: number, flat: Int32Array): number {
    copyRequest(src, ptr, this, flat, 0);
    return this.storeRequest(flat);
  }

  /** Copy the request given as flat values over `src` (`from`) here; returns this memory's record pointer. */
  takeFlat(src: AbiMemory, from: ArrayLike<number>, flat: Int32Array): number {
    copyRequestFlat(src, from, this, flat, 0);
    return this.storeRequest(flat);
  }
}
