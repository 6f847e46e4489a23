import { HEADER_SIZE, REQUEST, RESPONSE } from './layout.js';
import { AbiError, type AbiMemory } from './memory.js';
import { wasmCopyRequest, wasmCopyResponse } from './wasm-hop.js';
import { hopReason, invalidHop } from './hop-check.js';

/**
 * The fused hop: a value one guest returned is copied straight into another memory,
 * string by string, relocating pointers per the Canonical ABI layout, with no JS value
 * in between. Strings are not re-validated here: the component model promises valid
 * UTF-8 from a conforming guest, and everything is validated when it is lifted at the
 * segment's edge.
 */

function copyRun(src: AbiMemory, ptr: number, len: number, dst: AbiMemory, align: number): number {
  if (len === 0) return align;
  const from = src.u8;
  if (ptr + len > from.byteLength) throw new AbiError('value out of bounds');
  const to = dst.alloc(len, align);
  const into = dst.u8;
  // Most header names and values are short: four bytes at a time, then the last few, beats
  // creating a subarray view (and a byte loop by ~2×).
  if (len <= 48) {
    const s = src.dv;
    const d = dst.dv; // after the allocation: it may have grown the memory
    let i = 0;
    for (; i + 4 <= len; i += 4) d.setInt32(to + i, s.getInt32(ptr + i, true), true);
    for (; i < len; i++) into[to + i] = from[ptr + i];
  } else into.set(from.subarray(ptr, ptr + len), to);
  return to;
}

/** Whether [ptr, ptr + len) lies in `u8`. */
const inside = (u8: Uint8Array, ptr: number, len: number) => ptr + len <= u8.byteLength;

/**
 * The bytes a header list at `at` in `src` takes in another memory (its array and
 * strings), for `reserve`; 0 when the list itself is out of bounds (the copy then says so).
 */
function headersSize(src: AbiMemory, at: number): number {
  const base = src.u32[at >>> 2];
  const n = src.u32[(at >>> 2) + 1];
  if (n === 0) return 0;
  if (base % 4 !== 0 || !inside(src.u8, base, n * HEADER_SIZE)) return 0;
  const s32 = src.u32;
  let size = n * HEADER_SIZE;
  // Lengths only: a piece out of bounds is reported by the copy, and a size past what
  // `reserve` takes only means no reservation.
  for (let e = base >>> 2, end = e + n * 4; e < end; e += 4) size += s32[e + 1] + s32[e + 3];
  return size;
}

function copyHeaders(src: AbiMemory, at: number, dst: AbiMemory, out: Int32Array, o: number): void {
  copyList(src, src.u32[at >>> 2], src.u32[(at >>> 2) + 1], dst, out, o);
}

/** Copy the header list of `n` entries at `base` in `src` into `dst`, as (ptr, len) at `out[o..]`. */
function copyList(src: AbiMemory, base: number, n: number, dst: AbiMemory, out: Int32Array, o: number): void {
  if (n === 0) {
    out[o] = 4;
    out[o + 1] = 0;
    return;
  }
  if (base % 4 !== 0 || base + n * HEADER_SIZE > src.u8.byteLength) throw new AbiError('header list out of bounds');
  const list = dst.alloc(n * HEADER_SIZE, 4);
  for (let i = 0; i < n; i++) {
    const e = (base + i * HEADER_SIZE) >>> 2;
    const s32 = src.u32;
    const nameLen = s32[e + 1];
    const valueLen = s32[e + 3];
    const name = copyRun(src, s32[e], nameLen, dst, 1);
    const value = copyRun(src, s32[e + 2], valueLen, dst, 1);
    const d = (list + i * HEADER_SIZE) >>> 2;
    const d32 = dst.u32; // after the allocations: they may have grown the memory
    d32[d] = name;
    d32[d + 1] = nameLen;
    d32[d + 2] = value;
    d32[d + 3] = valueLen;
  }
  out[o] = list;
  out[o + 1] = n;
}

/**
 * Copy the request whose 9 flat values over `src` are `flat` (a guest's arguments, not a
 * record in its memory) into `dst`, as flat values at `out[o..]`, piece by piece. Off the
 * hot path: a request moved out of a guest (segment/kept.ts) that is no image.
 */
export function copyRequestFlat(src: AbiMemory, flat: ArrayLike<number>, dst: AbiMemory, out: Int32Array, o: number): void {
  out[o] = copyRun(src, flat[0] >>> 0, flat[1] >>> 0, dst, 1);
  out[o + 1] = flat[1];
  out[o + 2] = copyRun(src, flat[2] >>> 0, flat[3] >>> 0, dst, 1);
  out[o + 3] = flat[3];
  copyList(src, flat[4] >>> 0, flat[5] >>> 0, dst, out, o + 4);
  out[o + 6] = flat[6];
  out[o + 7] = flat[6] === 1 ? copyRun(src, flat[7] >>> 0, flat[8] >>> 0, dst, 1) : 0;
  out[o + 8] = flat[6] === 1 ? flat[8] : 0;
}

/** Copy the request record at `ptr` in `src` into `dst`, as 9 flat values at `out[o..]`. */
export function copyRequest(src: AbiMemory, ptr: number, dst: AbiMemory, out: Int32Array, o: number): void {
  if (wasmCopyRequest(src, ptr, dst, out, o, false) === 0) copyRequestJs(src, ptr, dst, out, o);
}

/**
 * A guest's request on its way into another guest: checked as per-hop mode would check it
 * (abi/hop-check.ts), then copied as {@link copyRequest} does. Returns the reason it may not
 * go on (nothing is copied), or undefined once copied. In WebAssembly, one call does both.
 */
export function checkedCopyRequest(src: AbiMemory, ptr: number, dst: AbiMemory, out: Int32Array, o: number): string | undefined {
  const code = wasmCopyRequest(src, ptr, dst, out, o, true);
  if (code === -1) return undefined;
  if (code > 0) return hopReason(code, src, ptr, 'request');
  const reason = invalidHop(src, ptr, 'request');
  if (reason === undefined) copyRequestJs(src, ptr, dst, out, o);
  return reason;
}

function copyRequestJs(src: AbiMemory, ptr: number, dst: AbiMemory, out: Int32Array, o: number): void {
  if (ptr % 4 !== 0 || ptr + REQUEST.size > src.u8.byteLength) throw new AbiError('request out of bounds');
  const w = ptr >>> 2;
  const mLen = src.u32[w + 1];
  const uLen = src.u32[w + 3];
  // The head in one allocation where the guest allows it; the body (any size) on its own.
  if (dst.packs) {
    const headers = headersSize(src, ptr + REQUEST.headers);
    if (headers > 0 && inside(src.u8, src.u32[w], mLen) && inside(src.u8, src.u32[w + 2], uLen)) dst.reserve(mLen + uLen + headers + 3);
  }
  try {
    out[o] = copyRun(src, src.u32[w], mLen, dst, 1);
    out[o + 1] = mLen;
    out[o + 2] = copyRun(src, src.u32[w + 2], uLen, dst, 1);
    out[o + 3] = uLen;
    copyHeaders(src, ptr + REQUEST.headers, dst, out, o + 4);
  } finally {
    dst.release();
  }
  const tag = src.u8[ptr + REQUEST.bodyTag];
  if (tag > 1) throw new AbiError(`invalid option discriminant ${tag}`);
  out[o + 6] = tag;
  if (tag === 1) {
    const len = src.u32[w + 8];
    out[o + 7] = copyRun(src, src.u32[w + 7], len, dst, 1);
    out[o + 8] = len;
  } else {
    out[o + 7] = 0;
    out[o + 8] = 0;
  }
}

/** Copy the response record at `ptr` in `src` into `dst`, as 5 flat values at `out[o..]`. */
export function copyResponse(src: AbiMemory, ptr: number, dst: AbiMemory, out: Int32Array, o: number): void {
  if (wasmCopyResponse(src, ptr, dst, out, o, false) === 0) copyResponseJs(src, ptr, dst, out, o);
}

/** {@link checkedCopyRequest} for a response. */
export function checkedCopyResponse(src: AbiMemory, ptr: number, dst: AbiMemory, out: Int32Array, o: number): string | undefined {
  const code = wasmCopyResponse(src, ptr, dst, out, o, true);
  if (code === -1) return undefined;
  if (code > 0) return hopReason(code, src, ptr, 'response');
  const reason = invalidHop(src, ptr, 'response');
  if (reason === undefined) copyResponseJs(src, ptr, dst, out, o);
  return reason;
}

function copyResponseJs(src: AbiMemory, ptr: number, dst: AbiMemory, out: Int32Array, o: number): void {
  if (ptr % 4 !== 0 || ptr + RESPONSE.size > src.u8.byteLength) throw new AbiError('response out of bounds');
  out[o] = src.u8[ptr] | (src.u8[ptr + 1] << 8);
  if (dst.packs) dst.reserve(headersSize(src, ptr + RESPONSE.headers));
  try {
    copyHeaders(src, ptr + RESPONSE.headers, dst, out, o + 1);
  } finally {
    dst.release();
  }
  const w = (ptr + RESPONSE.body) >>> 2;
  const len = src.u32[w + 1];
  out[o + 3] = copyRun(src, src.u32[w], len, dst, 1);
  out[o + 4] = len;
}
