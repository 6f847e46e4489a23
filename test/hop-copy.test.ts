import { beforeAll, expect, it } from 'vitest';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import type { Guest } from '../src/component/guest.js';
import { lowerRequest, lowerResponse } from '../src/abi/lower.js';
import { liftRequest, liftResponse } from '../src/abi/lift.js';
import { copyRequest, copyResponse } from '../src/abi/hop.js';
import { wasmHopAvailable } from '../src/abi/wasm-hop.js';
import type { AbiMemory } from '../src/abi/memory.js';
import { bundledGuest } from './support/guest.js';
import { anyRequest, anyResponse } from './support/arbitraries.js';

// The fused hop (in WebAssembly where the runtime has multi-memory, else in JS) must carry
// every value from one guest's memory into another's unchanged.
let a: Guest;
let b: Guest;
beforeAll(async () => {
  [a, b] = await Promise.all([bundledGuest('echo', 'codec'), bundledGuest('echo', 'codec')]);
});

/** Write flat values as a record in `mem` (the record words are the flat values, in order). */
function record(mem: AbiMemory, flat: Int32Array, from: number, words: number): number {
  const rec = mem.alloc(words * 4, 4);
  for (let i = 0; i < words; i++) mem.u32[(rec >>> 2) + i] = flat[from + i];
  return rec;
}

it('uses the WebAssembly hop exactly where the runtime has multi-memory', () => {
  const major = Number(process.versions.node.split('.')[0]);
  expect(wasmHopAvailable()).toBe(major >= 22);
});

it('hop.wat and the bytes in hop-wasm.ts agree', () => {
  execFileSync(process.execPath, ['scripts/build-hop.mjs', '--check']);
});

it('copies requests between guests without changing them', () => {
  const A = a.core!.mem;
  const B = b.core!.mem;
  const fa = new Int32Array(14);
  const fb = new Int32Array(14);
  fc.assert(
    fc.property(anyRequest, (req) => {
      lowerRequest(A, req, fa, 0);
      const src = record(A, fa, 0, 9);
      copyRequest(A, src, B, fb, 0);
      const dst = record(B, fb, 0, 9);
      expect(liftRequest(B, dst)).toEqual(liftRequest(A, src));
      a.core!.postOnRequest!(0);
      b.core!.postOnRequest!(0);
    }),
    { seed: 42, numRuns: 300 },
  );
});

it('copies responses between guests without changing them', () => {
  const A = a.core!.mem;
  const B = b.core!.mem;
  const fa = new Int32Array(14);
  const fb = new Int32Array(14);
  fc.assert(
    fc.property(anyResponse, (resp) => {
      lowerResponse(A, resp, fa, 0);
      // The status is a u16 at the start of the record's first word.
      const src = record(A, fa, 0, 5);
      copyResponse(A, src, B, fb, 0);
      const dst = record(B, fb, 0, 5);
      expect(liftResponse(B, dst)).toEqual(liftResponse(A, src));
      a.core!.postOnResponse!(0);
      b.core!.postOnResponse!(0);
    }),
    { seed: 42, numRuns: 300 },
  );
});

it('reports a source record outside its memory as the source guest fault', () => {
  const out = new Int32Array(14);
  expect(() => copyRequest(a.core!.mem, a.core!.mem.u8.byteLength - 8, b.core!.mem, out, 0)).toThrow(/out of bounds/);
});
