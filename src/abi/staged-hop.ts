import { HOP_STAGED_WASM } from './hop-staged-wasm.js';
import { SCRATCH_BYTES, type GuestMemory } from './memory.js';
import { embeddedModule } from './embedded.js';
import { wasmCheck } from './hop-check.js';

/**
 * The fused hop between two arena guests where the runtime has no multi-memory (Node 20).
 * See hop-staged.wat: one call checks (when asked) and gathers a record's head, laid out
 * as it will lie in the destination, into the source's scratch block; here it moves with
 * one typed-array copy, a body past 1 KiB with one more. Same results and codes
 * as the multi-memory hop (wasm-hop.ts), which is preferred where the runtime has it.
 */
export class StagedHop {
  readonly request: (rec: number, check: number) => number;
  readonly response: (rec: number, check: number) => number;
  // The last image's view: the scratch block is the same for every hop, and a head of the
  // same size (as a request of the same shape has) is the same view; on Node 20 a fresh
  // `subarray` costs more than the copy itself (~80 of ~110 ns for the bench request).
  #of: Uint8Array | undefined;
  #at = 0;
  #size = 0;
  #view: Uint8Array | undefined;

  constructor(exports: { request: StagedHop['request']; response: StagedHop['response'] }) {
    this.request = exports.request;
    this.response = exports.response;
  }

  /**
   * Finish a staged hop whose scratch block is at `s` in `src`: its image (and a larger
   * body) moved into `dst`, the flat values for the destination's export to `out[o..]`.
   */
  move(s: number, src: GuestMemory, dst: GuestMemory, out: Int32Array, o: number, flat: number): void {
    src.refresh();
    dst.refresh(); // the destination's allocations may have grown its memory
    const w = s >>> 2;
    const u32 = src.u32;
    const from = src.u8;
    const size = u32[w + 11];
    if (size !== 0) dst.u8.set(this.#image(from, s + 64, size), u32[w + 10]);
    const body = u32[w + 14];
    if (body !== 0) dst.u8.set(from.subarray(u32[w + 12], u32[w + 12] + body), u32[w + 13]);
    for (let i = 0; i < flat; i++) out[o + i] = u32[w + i];
  }

  /** `from`'s bytes [at, at + size), as a view. */
  #image(from: Uint8Array, at: number, size: number): Uint8Array {
    if (this.#of !== from || this.#at !== at || this.#size !== size) {
      this.#view = from.subarray(at, at + size);
      this.#of = from;
      this.#at = at;
      this.#size = size;
    }
    return this.#view!;
  }
}

let module: WebAssembly.Module | null | undefined;

/**
 * One instance per (source, destination) pair; undefined where it cannot run: not two arena
 * guests, a source with no scratch block (GuestMemory.scratch), `WITLINE_WASM_HOP=off`.
 */
export function stagedHop(src: GuestMemory, dst: GuestMemory): StagedHop | undefined {
  if (!src.packs || !dst.packs || src.scratch < 64) return undefined;
  if (module === undefined) module = embeddedModule(HOP_STAGED_WASM);
  const check = wasmCheck(src);
  if (!module || !check) return undefined;
  const scratch = new WebAssembly.Global({ value: 'i32', mutable: false }, src.scratch);
  const room = new WebAssembly.Global({ value: 'i32', mutable: false }, SCRATCH_BYTES);
  const imports = { src: src.memory, scratch, room, dstRealloc: dst.realloc, checkRequest: check.request, checkResponse: check.response };
  return new StagedHop(new WebAssembly.Instance(module, { m: imports }).exports as never);
}
