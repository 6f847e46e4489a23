import { REQUEST } from './layout.js';
import { copyRequest, type HopTarget } from './hop.js';
import type { GuestMemory } from './memory.js';

/**
 * A host-side memory with the guests' layout. In a fused segment the response phase
 * needs the request each stage received, long after the guest that produced it has run
 * `post-return`; the request is copied here (the same hop, into JS-owned bytes) and
 * copied into the stage again when its response phase runs. Bump-allocated per request.
 */
export class Snapshot implements HopTarget {
  u8: Uint8Array;
  u32: Uint32Array;
  #top = 8; // 0 stays unused so no snapshot pointer is 0

  constructor(size = 4096) {
    this.u8 = new Uint8Array(size);
    this.u32 = new Uint32Array(this.u8.buffer);
  }

  alloc(size: number, align: number): number {
    const ptr = (this.#top + align - 1) & ~(align - 1);
    const end = ptr + size;
    if (end > this.u8.byteLength) {
      let cap = this.u8.byteLength * 2;
      while (cap < end) cap *= 2;
      const u8 = new Uint8Array(cap);
      u8.set(this.u8);
      this.u8 = u8;
      this.u32 = new Uint32Array(u8.buffer);
    }
    this.#top = end;
    return ptr;
  }

  /** Forget everything: the next request reuses the bytes. */
  reset(): void {
    this.#top = 8;
  }

  /** Copy the request record at `ptr` in `src` here; returns the snapshot's record pointer. */
  takeRequest(src: GuestMemory | HopTarget, ptr: number, flat: Int32Array): number {
    copyRequest(src, ptr, this, flat, 0);
    const rec = this.alloc(REQUEST.size, 4);
    const w = rec >>> 2;
    for (let i = 0; i < 9; i++) this.u32[w + i] = flat[i];
    // the option tag is a byte at 24 with padding after it: the u32 store above wrote it whole
    return rec;
  }
}
