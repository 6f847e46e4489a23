import { HOP_WASM } from './hop-wasm.js';
import { REQUEST_FLAT, RESPONSE_FLAT } from './layout.js';
import { AbiError, GuestMemory, type AbiMemory } from './memory.js';
import { embeddedModule } from './embedded.js';
import { wasmCheck } from './hop-check.js';
import { StagedHop, stagedHop } from './staged-hop.js';

/**
 * The fused hop run inside WebAssembly where the runtime has multi-memory (Node 22+). See
 * hop.wat: one call checks (when asked) and copies a whole record between two guests'
 * memories; into an arena guest, its head in one `cabi_realloc`. Without multi-memory
 * (Node 20), the staged hop between arena guests (staged-hop.ts); else the JS hop in hop.ts.
 */
interface WasmHop {
  request(rec: number, check: number): number;
  response(rec: number, check: number): number;
  out: Int32Array;
}

let module: WebAssembly.Module | null | undefined;

function hopModule(): WebAssembly.Module | null {
  // `WITLINE_WASM_HOP=staged`: the hop of runtimes without multi-memory, for comparison and tests.
  if (module === undefined) module = process.env.WITLINE_WASM_HOP === 'staged' ? null : embeddedModule(HOP_WASM);
  return module;
}

/** Whether fused hops run in WebAssembly on this runtime. */
export function wasmHopAvailable(): boolean {
  return hopModule() !== null;
}

/** The hop from `src` into `dst`: multi-memory, else staged (between arena guests), else none (the JS hop). */
function hopBetween(src: AbiMemory, dst: AbiMemory): WasmHop | StagedHop | undefined {
  if (!(src instanceof GuestMemory) || !(dst instanceof GuestMemory)) return undefined;
  const known = src.hops.get(dst) as WasmHop | StagedHop | null | undefined;
  if (known !== undefined) return known ?? undefined;
  const made = multiMemoryHop(src, dst) ?? stagedHop(src, dst);
  src.hops.set(dst, made ?? null);
  return made;
}

/** Which hop carries values from `src` into `dst` (for tests and benchmarks). */
export function hopKind(src: AbiMemory, dst: AbiMemory): 'multi-memory' | 'staged' | 'js' {
  const hop = hopBetween(src, dst);
  return !hop ? 'js' : hop instanceof StagedHop ? 'staged' : 'multi-memory';
}

function multiMemoryHop(src: GuestMemory, dst: GuestMemory): WasmHop | undefined {
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
  return { request: ex.request, response: ex.response, out: new Int32Array((ex.out as WebAssembly.Memory).buffer, 0, REQUEST_FLAT + RESPONSE_FLAT) };
}

/** What hop.wat returned: thrown when out of bounds; else -1 copied, or the check's code. */
function outcome(code: number, what: string): number {
  if (code === 1) throw new AbiError(`${what} record out of bounds`);
  return code === 0 ? -1 : code - 16;
}

/** What a staged hop returned (hop-staged.wat), finished: 0 when not staged (copy piece by piece), else as {@link outcome}. */
function staged(hop: StagedHop, r: number, src: AbiMemory, dst: AbiMemory, out: Int32Array, o: number, flat: number, what: string): number {
  if (r === 0) return 0;
  if (r > 0 && r < 64) return outcome(r, what);
  hop.move(r >>> 0, src as GuestMemory, dst as GuestMemory, out, o, flat);
  return -1;
}

/**
 * Copy a request record through the Wasm hop, checked first when `check` (hop-check.wat's
 * rules): -1 when copied, the check's code (> 0) when it may not go on (nothing copied),
 * 0 when the Wasm hop is not available for this pair.
 */
export function wasmCopyRequest(src: AbiMemory, ptr: number, dst: AbiMemory, out: Int32Array, o: number, check: boolean): number {
  const hop = hopBetween(src, dst);
  if (!hop) return 0;
  if (hop instanceof StagedHop) return staged(hop, hop.request(ptr, check ? 1 : 0), src, dst, out, o, REQUEST_FLAT, 'request');
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
  if (hop instanceof StagedHop) return staged(hop, hop.response(ptr, check ? 1 : 0), src, dst, out, o, RESPONSE_FLAT, 'response');
  const code = outcome(hop.response(ptr, check ? 1 : 0), 'response');
  if (code > 0) return code;
  dst.refresh();
  const f = hop.out;
  for (let i = 0; i < RESPONSE_FLAT; i++) out[o + i] = f[REQUEST_FLAT + i];
  return -1;
}
