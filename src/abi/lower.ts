import type { WitRequest, WitResponse } from '../core/types.js';
import { HEADER_SIZE } from './layout.js';
import type { AbiMemory } from './memory.js';

/**
 * Lower JS values into a guest's memory as flat core arguments, as the Canonical ABI
 * does for an export's parameters: every string and list is its own `cabi_realloc`
 * allocation, owned by the guest from then on.
 */

// Scratch for one (ptr, len) pair while the header array is being filled.
const pair = new Int32Array(2);

/** The bytes a list of pairs takes lowered when its strings are ASCII (for `reserve`: a hint). */
function pairsSize(headers: ReadonlyArray<readonly [string, string]>): number {
  let size = headers.length * HEADER_SIZE;
  for (let i = 0; i < headers.length; i++) size += headers[i][0].length + headers[i][1].length;
  return size;
}

/** A list<tuple<string, string>> (headers, settings) as (ptr, len) at `out[at..]`. */
export function lowerPairs(mem: AbiMemory, headers: ReadonlyArray<readonly [string, string]>, out: Int32Array, at: number): void {
  if (mem.packs) mem.reserve(pairsSize(headers));
  try {
    writePairs(mem, headers, out, at);
  } finally {
    mem.release();
  }
}

function writePairs(mem: AbiMemory, headers: ReadonlyArray<readonly [string, string]>, out: Int32Array, at: number): void {
  const n = headers.length;
  const base = n === 0 ? 4 : mem.alloc(n * HEADER_SIZE, 4);
  for (let i = 0; i < n; i++) {
    const h = headers[i];
    // Each write may grow memory: re-read the view after it, never hold one across.
    const e = (base + i * HEADER_SIZE) >>> 2;
    mem.writeString(h[0], pair, 0);
    mem.u32[e] = pair[0];
    mem.u32[e + 1] = pair[1];
    mem.writeString(h[1], pair, 0);
    mem.u32[e + 2] = pair[0];
    mem.u32[e + 3] = pair[1];
  }
  out[at] = base;
  out[at + 1] = n;
}

/** A request as 9 flat values at `out[at..]`: method, uri, headers, body option. */
export function lowerRequest(mem: AbiMemory, req: WitRequest, out: Int32Array, at: number): void {
  // The head in one allocation where the guest allows it (+3: the header array's alignment).
  if (mem.packs) mem.reserve(req.method.length + req.uri.length + 3 + pairsSize(req.headers));
  try {
    mem.writeString(req.method, out, at);
    mem.writeString(req.uri, out, at + 2);
    writePairs(mem, req.headers, out, at + 4);
  } finally {
    mem.release();
  }
  if (req.body === undefined) {
    out[at + 6] = 0;
    out[at + 7] = 0;
    out[at + 8] = 0;
  } else {
    out[at + 6] = 1;
    mem.writeBytes(req.body, out, at + 7);
  }
}

/** A response as 5 flat values at `out[at..]`: status, headers, body. */
export function lowerResponse(mem: AbiMemory, resp: WitResponse, out: Int32Array, at: number): void {
  out[at] = resp.status;
  lowerPairs(mem, resp.headers, out, at + 1);
  mem.writeBytes(resp.body, out, at + 3);
}
