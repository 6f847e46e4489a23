import type { HeaderList, WitAction, WitRequest, WitResponse } from '../core/types.js';
import { ACTION, HEADER_SIZE, REQUEST, RESPONSE } from './layout.js';
import { AbiError, type AbiMemory } from './memory.js';

/** Lift values a guest returned (by pointer into its memory) into JS, copying everything out. */

function liftHeaders(mem: AbiMemory, at: number): HeaderList {
  const u32 = mem.u32;
  const base = u32[at >>> 2];
  const n = u32[(at >>> 2) + 1];
  if (base % 4 !== 0 || base + n * HEADER_SIZE > mem.u8.byteLength) throw new AbiError('header list out of bounds');
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

export function liftRequest(mem: AbiMemory, ptr: number): WitRequest {
  checkRecord(mem, ptr, REQUEST.size);
  const w = ptr >>> 2;
  const u32 = mem.u32;
  const method = mem.readString(u32[w], u32[w + 1]);
  const uri = mem.readString(u32[w + 2], u32[w + 3]);
  const headers = liftHeaders(mem, ptr + REQUEST.headers);
  const tag = mem.u8[ptr + REQUEST.bodyTag];
  if (tag > 1) throw new AbiError(`invalid option discriminant ${tag}`);
  const req: WitRequest = { method, uri, headers };
  if (tag === 1) req.body = mem.readBytes(u32[w + 7], u32[w + 8]);
  return req;
}

export function liftResponse(mem: AbiMemory, ptr: number): WitResponse {
  checkRecord(mem, ptr, RESPONSE.size);
  const status = mem.u16[ptr >>> 1];
  const headers = liftHeaders(mem, ptr + RESPONSE.headers);
  const w = (ptr + RESPONSE.body) >>> 2;
  return { status, headers, body: mem.readBytes(mem.u32[w], mem.u32[w + 1]) };
}

export function liftAction(mem: AbiMemory, ptr: number): WitAction {
  checkRecord(mem, ptr, ACTION.size);
  const tag = mem.u8[ptr];
  if (tag === ACTION.next) return { tag: 'next', val: liftRequest(mem, ptr + ACTION.payload) };
  if (tag === ACTION.respond) return { tag: 'respond', val: liftResponse(mem, ptr + ACTION.payload) };
  throw new AbiError(`invalid action discriminant ${tag}`);
}
