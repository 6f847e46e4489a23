import { HOP_WASM } from './hop-wasm.js';
import { REQUEST_FLAT, RESPONSE_FLAT } from './layout.js';
import { AbiError, GuestMemory, type AbiMemory } from './memory.js';
import { embeddedModule } from './embedded.js';
import { wasmCheck } from './hop-check.js';

/**
 * The fused hop run inside WebAssembly where the runtime has multi-memory (Node 22+; on
 * Node 20 the JS hop in hop.ts is used). See hop.wat: one call checks (when asked) and
 * copies a whole record between two guests' memories; into an arena guest, its head in one
 * `cabi_realloc`.
 */
interface WasmHop {
  request(rec: number, check: number): number;
  response(rec: number, check: number): number;
  out: Int32Array;
}

let module: WebAssembly.Module | null | undefined;

function hopModule(): WebAssembly.Module | null {
  if (module === undefined) module = embeddedModule(HOP_WASM);
  return module;
}

/** Whether fused hops run in WebAssembly on this runtime. */
export function wasmHopAvailable(): boolean {
  return hopModule() !== null;
}

function hopBetween(src: AbiMemory, dst: AbiMemory): WasmHop | undefined {
  // Known after the first hop: none on this runtime (Node 20), nothing more to look at.
  if (module === null) return undefined;
  if (!(src instanceof GuestMemory) || !(dst instanceof GuestMemory)) return undefined;
  let hop = src.hops.get(dst) as WasmHop | undefined;
  if (hop) return hop;
  const m = hopModule();
  const check = wasmCheck(src);
  if (!m || !check) return undefined;
  const imports = {
    src: src.memory,
    dst: dst.memory,
    realloc: dst.realloc,
    packs: dst.packs ? 1 : 0,
    checkRequest: check.request,
    checkResponse: check.response,
  };
  const ex = new WebAssembly.Instance(m, { m: imports }).exports as Record<string, any>;
  hop = { request: ex.request, response: ex.response, out: new Int32Array((ex.out as WebAssembly.Memory).buffer, 0, REQUEST_FLAT + RESPONSE_FLAT) };
  src.hops.set(dst, hop);
  return hop;
}

/** What hop.wat returned: thrown when out of bounds; else -1 copied, or the check's code. */
function outcome(code: number, what: string): number {
  if (code === 1) throw new AbiError(`${what} record out of bounds`);
  return code === 0 ? -1 : code - 16;
}

/**
 * Copy a request record through the Wasm hop, checked first when `check` (hop-check.wat's
 * rules): -1 when copied, the check's code (> 0) when it may not go on (nothing copied),
 * 0 when the Wasm hop is not available for this pair.
 */
export function wasmCopyRequest(src: AbiMemory, ptr: number, dst: AbiMemory, out: Int32Array, o: number, check: boolean): number {
  const hop = hopBetween(src, dst);
  if (!hop) return 0;
  const code = outcome(hop.request(ptr, check ? 1 : 0), 'request');
  if (code > 0) return code;
  dst.refresh();
  const f = hop.out;
  for (let i = 0; i < REQUEST_FLAT; i++) out[o + i] = f[i];
  return -1;
}

/** {@link wasmCopyRequest} for a response record. */
export function wasmCopyResponse(src: AbiMemory, ptr: number, dst: AbiMemory, out: Int32Array, o: number, check: boolean): number {
  const hop = hopBetween(src, dst);
  if (!hop) return 0;
  const code = outcome(hop.response(ptr, check ? 1 : 0), 'response');
  if (code > 0) return code;
  dst.refresh();
  const f = hop.out;
  for (let i = 0; i < RESPONSE_FLAT; i++) out[o + i] = f[REQUEST_FLAT + i];
  return -1;
}
