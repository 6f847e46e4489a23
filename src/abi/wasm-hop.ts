import { HOP_WASM } from './hop-wasm.js';
import { REQUEST_FLAT, RESPONSE_FLAT } from './layout.js';
import { AbiError, GuestMemory, type AbiMemory } from './memory.js';

/**
 * The fused hop run inside WebAssembly where the runtime has multi-memory (Node 22+; on
 * Node 20 the JS hop in hop.ts is used). See hop.wat: one call copies a whole record
 * between two guests' memories; into an arena guest, its head in one `cabi_realloc`.
 */
interface WasmHop {
  request(rec: number): number;
  response(rec: number): number;
  out: Int32Array;
}

/**
 * A module embedded as base64 (scripts/build-hop.mjs), compiled; null where the runtime does
 * not validate it (the copy needs multi-memory) or `WITLINE_WASM_HOP=off` asks for the JS hop.
 */
export function embeddedModule(base64: string): WebAssembly.Module | null {
  const bytes = Buffer.from(base64, 'base64');
  return process.env.WITLINE_WASM_HOP !== 'off' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
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
  if (!m) return undefined;
  const ex = new WebAssembly.Instance(m, { m: { src: src.memory, dst: dst.memory, realloc: dst.realloc, packs: dst.packs ? 1 : 0 } }).exports as Record<
    string,
    any
  >;
  hop = { request: ex.request, response: ex.response, out: new Int32Array((ex.out as WebAssembly.Memory).buffer, 0, REQUEST_FLAT + RESPONSE_FLAT) };
  src.hops.set(dst, hop);
  return hop;
}

/** Copy a request record through the Wasm hop; false if it is not available for this pair. */
export function wasmCopyRequest(src: AbiMemory, ptr: number, dst: AbiMemory, out: Int32Array, o: number): boolean {
  const hop = hopBetween(src, dst);
  if (!hop) return false;
  if (hop.request(ptr) !== 0) throw new AbiError('request record out of bounds');
  dst.refresh();
  const f = hop.out;
  for (let i = 0; i < REQUEST_FLAT; i++) out[o + i] = f[i];
  return true;
}

/** Copy a response record through the Wasm hop; false if it is not available for this pair. */
export function wasmCopyResponse(src: AbiMemory, ptr: number, dst: AbiMemory, out: Int32Array, o: number): boolean {
  const hop = hopBetween(src, dst);
  if (!hop) return false;
  if (hop.response(ptr) !== 0) throw new AbiError('response record out of bounds');
  dst.refresh();
  const f = hop.out;
  for (let i = 0; i < RESPONSE_FLAT; i++) out[o + i] = f[REQUEST_FLAT + i];
  return true;
}
