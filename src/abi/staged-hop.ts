import { HOP_STAGED_WASM } from './hop-staged-wasm.js';
import type { GuestMemory } from './memory.js';
import { embeddedModule } from './embedded.js';
import { wasmCheck } from './hop-check.js';

/**
 * The fused hop between two arena guests where the runtime has no multi-memory (Node 20).
 * See hop-staged.wat: one call checks (when asked) and gathers a record's head, laid out
 * as it will lie in the destination, into a scratch block in the source guest's memory;
 * here it moves with one typed-array copy, the body with one more. Same results and codes
 * as the multi-memory hop (wasm-hop.ts), which is preferred where the runtime has it.
 */
export class StagedHop {
  readonly request: (rec: number, check: number) => number;
  readonly response: (rec: number, check: number) => number;
  // The last image's view. The scratch block lies at the same place request after request
  // (the source's arena is rewound to the same mark each time), and on Node 20 a fresh
  // `subarray` costs more than the copy itself (~80 of ~110 ns for the bench request).
  #of: Uint8Array | undefined;
  #at = 0;
  #size = 0;
  #view: Uint8Array | undefined;

  constructor(exports: { request: StagedHop['request']; response: StagedHop['response'] }) {
    this.request = exports.request;
    this.response = exports.response;
  }

  /** `from`'s bytes [at, at + size), as a view. */
  image(from: Uint8Array, at: number, size: number): Uint8Array {
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

/** One instance per (source, destination) pair; undefined where it cannot run (not two arena guests, `WITLINE_WASM_HOP=off`). */
export function stagedHop(src: GuestMemory, dst: GuestMemory): StagedHop | undefined {
  if (!src.packs || !dst.packs) return undefined;
  if (module === undefined) module = embeddedModule(HOP_STAGED_WASM);
  const check = wasmCheck(src);
  if (!module || !check) return undefined;
  const imports = { src: src.memory, srcRealloc: src.realloc, dstRealloc: dst.realloc, checkRequest: check.request, checkResponse: check.response };
  return new StagedHop(new WebAssembly.Instance(module, { m: imports }).exports as never);
}

/**
 * What a staged hop returned, finished: -1 when copied (the flat values at `out[o..]`), 0
 * when it was not staged (copy piece by piece), 1 when the source record is out of bounds,
 * else 16 + the check's code.
 */
export function stagedOutcome(hop: StagedHop, r: number, src: GuestMemory, dst: GuestMemory, out: Int32Array, o: number, flat: number): number {
  if (r < 64 && r >= 0) return r;
  const s = r >>> 0;
  src.refresh(); // the scratch block and the destination's allocations may have grown either memory
  dst.refresh();
  const w = s >>> 2;
  const u32 = src.u32;
  const from = src.u8;
  const size = u32[w + 11];
  if (size !== 0) dst.u8.set(hop.image(from, s + 64, size), u32[w + 10]);
  const body = u32[w + 14];
  if (body !== 0) dst.u8.set(from.subarray(u32[w + 12], u32[w + 12] + body), u32[w + 13]);
  for (let i = 0; i < flat; i++) out[o + i] = u32[w + i];
  return -1;
}
