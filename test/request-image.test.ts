import { beforeAll, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Guest } from '../src/component/guest.js';
import { lowerRequest } from '../src/abi/lower.js';
import { liftRequest } from '../src/abi/lift.js';
import { keepImage, restoreImage } from '../src/abi/image.js';
import { HostMemory } from '../src/abi/host-memory.js';
import { GuestMemory, type AbiMemory } from '../src/abi/memory.js';
import { bundledGuest, guestOf } from './support/guest.js';
import { conformanceGuest } from './conformance/build.js';
import { anyRequest } from './support/arbitraries.js';

// A fused stage's response phase gets back the request it received: kept as an image of
// the block that held it and restored by relocation (abi/image.ts), it must be exactly
// that request, whatever its shape; and an arena guest receives a request's head in one
// allocation (abi/memory.ts), a guest that does not declare an arena in one per piece.
let a: Guest;
let b: Guest;
let c: Guest;
let sdkC: Guest;
beforeAll(async () => {
  [a, b, sdkC] = await Promise.all([bundledGuest('echo', 'codec'), bundledGuest('echo', 'codec'), bundledGuest('conformance-c', 'codec')]);
  // C on wasi-libc: its allocator frees pieces (malloc/free), and it declares no arena.
  c = await guestOf('c-wasi-libc', await conformanceGuest('c-wasi-libc'), 'codec');
});

function record(mem: AbiMemory, flat: Int32Array, words: number): number {
  const rec = mem.alloc(words * 4, 4);
  for (let i = 0; i < words; i++) mem.u32[(rec >>> 2) + i] = flat[i];
  return rec;
}

it('treats the SDK-built guests (AssemblyScript, C) as arenas and a wasi-libc guest without the declaration as not', () => {
  expect(a.core!.mem.packs).toBe(true);
  expect(sdkC.core!.mem.packs).toBe(true);
  expect(c.core!.mem.packs).toBe(false);
});

it('restores every request exactly as it was lowered, in another guest and at another address', () => {
  const A = a.core!.mem;
  const B = b.core!.mem;
  const fa = new Int32Array(9);
  const fb = new Int32Array(9);
  const snap = new HostMemory();
  let kept = 0;
  fc.assert(
    fc.property(anyRequest, fc.nat(64), (req, shift) => {
      snap.reset();
      lowerRequest(A, req, fa, 0);
      const image = keepImage(snap, A, fa, 0);
      if (image === 0) return; // spread too wide to keep as one block: kept piece by piece instead
      kept++;
      B.alloc(shift + 1, 1); // somewhere else than where it was
      restoreImage(snap, image, B, fb, 0);
      expect(liftRequest(B, record(B, fb, 9))).toEqual(liftRequest(A, record(A, fa, 9)));
      a.core!.postOnRequest!(0);
      b.core!.postOnRequest!(0);
    }),
    { seed: 7, numRuns: 300 },
  );
  // Lowered into an arena guest, nearly every request is one block.
  expect(kept).toBeGreaterThan(250);
});

it('carries no byte of the source guest but the request into another guest', () => {
  // A request in A whose pieces have A's other bytes (a marker) between them, as a guest's
  // output has: kept the way a fused segment keeps another guest's output (piece by piece
  // into host memory, then an image of that), B must receive none of the marker.
  const A = a.core!.mem;
  const B = b.core!.mem;
  const region = A.alloc(256, 8);
  A.u8.fill(0xab, region, region + 256);
  const put = (at: number, text: string) => (A.u8.set(Buffer.from(text), region + at), region + at);
  const list = region + 80;
  A.u32[list >>> 2] = put(120, 'x-name');
  A.u32[(list >>> 2) + 1] = 6;
  A.u32[(list >>> 2) + 2] = put(160, 'value');
  A.u32[(list >>> 2) + 3] = 5;
  const flat = Int32Array.from([put(8, 'GET'), 3, put(40, '/'), 1, list, 1, 0, 0, 0]);
  const rec = record(A, flat, 9);
  const snap = new HostMemory();
  snap.reset();
  snap.align(8);
  const kept = new Int32Array(9);
  snap.takeRequest(A, rec, kept);
  const image = keepImage(snap, snap, kept, 0);
  expect(image).not.toBe(0);
  const out = new Int32Array(9);
  restoreImage(snap, image, B, out, 0);
  expect(liftRequest(B, record(B, out, 9))).toEqual({ method: 'GET', uri: '/', headers: [['x-name', 'value']] });
  const start = Math.min(out[0], out[2], out[4]);
  expect([...B.u8.subarray(start - (start % 8), out[4] + 16 + 11)]).not.toContain(0xab);
  // An image of A's own block would have carried the marker: the check above can fail.
  const other = new HostMemory();
  const leaky = keepImage(other, A, flat, 0);
  restoreImage(other, leaky, B, out, 0);
  const at = Math.min(out[0], out[2], out[4]);
  expect([...B.u8.subarray(at - (at % 8), at + 200)]).toContain(0xab);
  a.core!.postOnRequest!(0);
  b.core!.postOnRequest!(0);
});

it('keeps no image of a request whose pieces lie far apart', () => {
  const A = a.core!.mem;
  const fa = new Int32Array(9);
  lowerRequest(A, { method: 'GET', uri: '/', headers: [] }, fa, 0);
  // The uri moved 100 KiB past the method: one block would be mostly not the request.
  const far = A.alloc(100 * 1024, 1) + 100 * 1024 - 1;
  A.u8[far] = 0x2f;
  fa[2] = far;
  expect(keepImage(new HostMemory(), A, fa, 0)).toBe(0);
  a.core!.postOnRequest!(0);
});

it('lowers a request head into an arena guest with one cabi_realloc, and piece by piece otherwise', () => {
  const core = a.core!.mem as GuestMemory;
  let calls = 0;
  const realloc = core.realloc;
  const counting = (p: number, o: number, al: number, n: number) => (calls++, realloc(p, o, al, n));
  const headers: Array<[string, string]> = Array.from({ length: 10 }, (_, i) => [`x-h${i}`, `value ${i}`]);
  const req = { method: 'GET', uri: '/items?page=2', headers };
  const out = new Int32Array(9);
  for (const [arena, expected] of [
    [true, 1],
    [false, 2 + 1 + 2 * headers.length],
  ] as const) {
    const mem = new GuestMemory({ memory: core.memory, realloc: counting }, arena);
    calls = 0;
    lowerRequest(mem, req, out, 0);
    expect(calls).toBe(expected);
    expect(liftRequest(mem, record(mem, out, 9))).toEqual({ ...req, body: undefined });
    a.core!.postOnRequest!(0);
  }
});
