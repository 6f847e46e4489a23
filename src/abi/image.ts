import type { HostMemory } from './host-memory.js';
import { HEADER_SIZE, REQUEST_FLAT } from './layout.js';
import type { AbiMemory } from './memory.js';

/**
 * A request image: the bytes of the block where a request was just lowered into an arena
 * guest, kept host-side, for the stage's response phase. Restoring it is one allocation,
 * one copy and a pointer relocation, where keeping the request piece by piece
 * (HostMemory.takeRequest) and copying it back costs a walk over every string twice.
 *
 * An image is only ever of a guest's own memory restored into that same guest, or of host
 * memory (a request copied there piece by piece, its padding zeroed): the bytes between
 * the pieces of a guest's output are that guest's own, and must never reach another guest.
 *
 * Restored only into an arena guest (AbiMemory.packs): the restored request is one
 * allocation holding many values, which only an allocator that never frees a piece on its
 * own accepts. Kept only when the pieces lie close together (as a reservation or an
 * arena's bump allocation leaves them), so that the block is about the size of the request.
 */

// An image in host memory: the block's old address and size, where its bytes are, the
// flat values; then the bytes, unless the block is in host memory already.
const IMAGE_HEAD = (3 + REQUEST_FLAT) * 4;
// Largest block kept as an image; a request spread wider is kept piece by piece.
const MAX_IMAGE = 64 * 1024;
// A block may hold bytes that are not the request's (a guest's own allocations between the
// pieces of its output): up to this much, or 4 × the request's bytes. Copying a few KiB in
// one go costs less than the walk piece by piece (~30 ns a piece, twice).
const SPREAD = 8 * 1024;

// The block being measured by keepImage: [lo, hi), the bytes and pieces in it.
let lo = 0;
let hi = 0;
let bytes = 0;
let pieces = 0;

/** Widen the block to a piece; an empty piece keeps its pointer as it is and is not counted. */
function piece(ptr: number, len: number): void {
  if (len === 0) return;
  if (ptr < lo) lo = ptr;
  if (ptr + len > hi) hi = ptr + len;
  bytes += len;
  pieces++;
}

/**
 * Keep the request in `mem` whose flat values are `flat[o..]` (a guest's arguments, or a
 * request just copied into `snap` itself) as an image in `snap`; returns its pointer there, or 0 when it cannot be
 * one (the caller keeps it the usual way). The image may be restored only into an arena
 * guest. For a guest's input: before the guest is called, which may change it.
 */
export function keepImage(snap: HostMemory, mem: AbiMemory, flat: ArrayLike<number>, o: number): number {
  lo = 0xffffffff;
  hi = bytes = pieces = 0;
  piece(flat[o] >>> 0, flat[o + 1] >>> 0);
  piece(flat[o + 2] >>> 0, flat[o + 3] >>> 0);
  const n = flat[o + 5] >>> 0;
  if (n > 0) {
    const u32 = mem.u32;
    const list = flat[o + 4] >>> 0;
    piece(list, n * HEADER_SIZE);
    if (list % 4 !== 0 || list + n * HEADER_SIZE > mem.u8.byteLength) return 0;
    for (let e = list >>> 2; e < (list >>> 2) + n * 4; e += 2) piece(u32[e], u32[e + 1]);
  }
  if (flat[o + 6] === 1) piece(flat[o + 7] >>> 0, flat[o + 8] >>> 0);
  if (pieces === 0) lo = hi = 0;
  // 8-aligned, so that a relocation by a multiple of 8 keeps every alignment.
  lo -= lo % 8;
  const size = hi - lo;
  if (hi > mem.u8.byteLength || size > MAX_IMAGE || size > Math.max(SPREAD, 4 * bytes)) return 0;
  // A block in `snap` itself (a request copied there piece by piece) is used where it is.
  const inPlace = (mem as AbiMemory) === snap;
  const at = snap.alloc(IMAGE_HEAD + (inPlace ? 0 : size), 4);
  const w = at >>> 2;
  const s32 = snap.u32;
  s32[w] = lo;
  s32[w + 1] = size;
  s32[w + 2] = inPlace ? lo : at + IMAGE_HEAD;
  for (let i = 0; i < REQUEST_FLAT; i++) s32[w + 3 + i] = flat[o + i];
  if (size > 0 && !inPlace) snap.u8.set(mem.u8.subarray(lo, hi), at + IMAGE_HEAD);
  return at;
}

/** Lower the request kept as the image at `at` in `snap` into `dst`, as 9 flat values at `out[o..]`. */
export function restoreImage(snap: HostMemory, at: number, dst: AbiMemory, out: Int32Array, o: number): void {
  const w = at >>> 2;
  const s32 = snap.u32;
  const base = s32[w];
  const size = s32[w + 1];
  const bytes = s32[w + 2];
  for (let i = 0; i < REQUEST_FLAT; i++) out[o + i] = s32[w + 3 + i];
  if (size === 0) return;
  const to = dst.alloc(size, 8);
  dst.u8.set(snap.u8.subarray(bytes, bytes + size), to);
  const delta = to - base;
  if (out[o + 1] !== 0) out[o] += delta;
  if (out[o + 3] !== 0) out[o + 2] += delta;
  const n = out[o + 5] >>> 0;
  if (n > 0) {
    out[o + 4] += delta;
    const d32 = dst.u32;
    const list = (out[o + 4] >>> 0) >>> 2;
    for (let e = list; e < list + n * 4; e += 2) if (d32[e + 1] !== 0) d32[e] += delta;
  }
  if (out[o + 6] === 1 && out[o + 8] !== 0) out[o + 7] += delta;
}
