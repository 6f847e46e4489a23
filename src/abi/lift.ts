import type { HeaderList, WitAction, WitRequest, WitResponse } from '../core/types.js';
import type { ResponseLimits } from '../core/limits.js';
import { ACTION, HEADER_SIZE, REQUEST, RESPONSE } from './layout.js';
import { AbiError, type AbiMemory } from './memory.js';

/** Lift values a guest returned (by pointer into its memory) into JS, copying everything out. */

/**
 * What the host copies out of one guest result at most. A guest controls every pointer and
 * length, so it could make a small memory lift into unbounded host memory (600 headers all
 * pointing at the same 1 MiB: 600 MiB of strings): sizes are counted before anything is
 * copied, aliases included, and past a bound the result is invalid (502).
 */
export interface LiftLimits extends ResponseLimits {
  maxHeaderCount: number;
  /** Sum of header name and value bytes. */
  maxHeaderBytes: number;
  /** Body of a request a guest passes on. */
  maxRequestBodyBytes: number;
  /** Body of a response a guest returns. */
  maxResponseBodyBytes: number;
}

const UNBOUNDED: LiftLimits = {
  maxHeaderCount: Infinity,
  maxHeaderBytes: Infinity,
  maxRequestBodyBytes: Infinity,
  maxResponseBodyBytes: Infinity,
  maxResponseHeaderCount: Infinity,
  maxResponseHeaderBytes: Infinity,
};

function liftHeaders(mem: AbiMemory, at: number, limits: LiftLimits): HeaderList {
  const u32 = mem.u32;
  const base = u32[at >>> 2];
  const n = u32[(at >>> 2) + 1];
  if (n > limits.maxHeaderCount) throw new AbiError(`${n} headers, more than ${limits.maxHeaderCount}`);
  if (base % 4 !== 0 || base + n * HEADER_SIZE > mem.u8.byteLength) throw new AbiError('header list out of bounds');
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const e = (base + i * HEADER_SIZE) >>> 2;
    bytes += u32[e + 1] + u32[e + 3];
  }
  if (bytes > limits.maxHeaderBytes) throw new AbiError(`headers of ${bytes} bytes, more than ${limits.maxHeaderBytes}`);
  const out: HeaderList = new Array(n);
  for (let i = 0; i < n; i++) {
    const e = (base + i * HEADER_SIZE) >>> 2;
    out[i] = [mem.readString(u32[e], u32[e + 1]), mem.readString(u32[e + 2], u32[e + 3])];
  }
  return out;
}

function checkRecord(mem: AbiMemory, ptr: number, size: number): void {
  if (ptr % 4 !== 0 || ptr + size > mem.u8.byteLength) throw new AbiError(`result pointer ${ptr} out of bounds`);
}

function checkBody(len: number, max: number): void {
  if (len > max) throw new AbiError(`a body of ${len} bytes, more than ${max}`);
}

export function liftRequest(mem: AbiMemory, ptr: number, limits: LiftLimits = UNBOUNDED): WitRequest {
  checkRecord(mem, ptr, REQUEST.size);
  const w = ptr >>> 2;
  const u32 = mem.u32;
  const method = mem.readString(u32[w], u32[w + 1]);
  const uri = mem.readString(u32[w + 2], u32[w + 3]);
  const headers = liftHeaders(mem, ptr + REQUEST.headers, limits);
  const tag = mem.u8[ptr + REQUEST.bodyTag];
  if (tag > 1) throw new AbiError(`invalid option discriminant ${tag}`);
  const req: WitRequest = { method, uri, headers };
  if (tag === 1) {
    checkBody(u32[w + 8], limits.maxRequestBodyBytes);
    req.body = mem.readShared(u32[w + 7], u32[w + 8]);
  }
  return req;
}

export function liftResponse(mem: AbiMemory, ptr: number, limits: LiftLimits = UNBOUNDED): WitResponse {
  checkRecord(mem, ptr, RESPONSE.size);
  const status = mem.u16[ptr >>> 1];
  const headers = liftHeaders(mem, ptr + RESPONSE.headers, limits);
  const w = (ptr + RESPONSE.body) >>> 2;
  checkBody(mem.u32[w + 1], limits.maxResponseBodyBytes);
  return { status, headers, body: mem.readShared(mem.u32[w], mem.u32[w + 1]) };
}

export function liftAction(mem: AbiMemory, ptr: number, limits: LiftLimits = UNBOUNDED): WitAction {
  checkRecord(mem, ptr, ACTION.size);
  const tag = mem.u8[ptr];
  if (tag === ACTION.next) return { tag: 'next', val: liftRequest(mem, ptr + ACTION.payload, limits) };
  if (tag === ACTION.respond) return { tag: 'respond', val: liftResponse(mem, ptr + ACTION.payload, limits) };
  throw new AbiError(`invalid action discriminant ${tag}`);
}
