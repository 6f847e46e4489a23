import { afterAll, beforeAll, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Guest } from '../src/component/guest.js';
import { lowerRequest, lowerResponse } from '../src/abi/lower.js';
import { liftRequest, liftResponse } from '../src/abi/lift.js';
import { checkedCopyRequest, checkedCopyResponse, copyRequest, copyResponse } from '../src/abi/hop.js';
import { hopKind } from '../src/abi/wasm-hop.js';
import { SCRATCH_BYTES, type AbiMemory } from '../src/abi/memory.js';
import { bundledGuest } from './support/guest.js';
import { anyRequest, anyResponse } from './support/arbitraries.js';

// The staged hop (src/abi/hop-staged.wat): between arena guests where the runtime has no
// multi-memory (Node 20), a record's head is gathered into a scratch block in the source's
// memory, laid out as it will lie in the destination, and moved by JS in one copy. Forced
// here on every Node (`WITLINE_WASM_HOP=staged`, read at the first hop), so that it is
// proven on Node 26 too, where the multi-memory hop is the default.
const was = process.env.WITLINE_WASM_HOP;
process.env.WITLINE_WASM_HOP = 'staged';
afterAll(() => {
  if (was === undefined) delete process.env.WITLINE_WASM_HOP;
  else process.env.WITLINE_WASM_HOP = was;
});

let a: Guest;
let b: Guest;
beforeAll(async () => {
  [a, b] = await Promise.all([bundledGuest('echo', 'codec'), bundledGuest('echo', 'codec')]);
});

function record(mem: AbiMemory, flat: Int32Array, words: number): number {
  const rec = mem.alloc(words * 4, 4);
  for (let i = 0; i < words; i++) mem.u32[(rec >>> 2) + i] = flat[i];
  return rec;
}

/** Where the next allocation in `mem` lands: probes a fixed step apart when nothing came between. */
const probe = (mem: AbiMemory) => mem.alloc(1, 1);

const rewind = () => {
  a.core!.postOnRequest!(0);
  b.core!.postOnRequest!(0);
};

it('is the hop between two arena guests', () => {
  expect(hopKind(a.core!.mem, b.core!.mem)).toBe('staged');
});

it('copies requests between guests without changing them', () => {
  const [A, B] = [a.core!.mem, b.core!.mem];
  const fa = new Int32Array(14);
  const fb = new Int32Array(14);
  fc.assert(
    fc.property(anyRequest, (req) => {
      lowerRequest(A, req, fa, 0);
      const src = record(A, fa, 9);
      copyRequest(A, src, B, fb, 0);
      expect(liftRequest(B, record(B, fb, 9))).toEqual(liftRequest(A, src));
      rewind();
    }),
    { seed: 42, numRuns: 300 },
  );
});

it('copies responses between guests without changing them', () => {
  const [A, B] = [a.core!.mem, b.core!.mem];
  const fa = new Int32Array(14);
  const fb = new Int32Array(14);
  fc.assert(
    fc.property(anyResponse, (resp) => {
      lowerResponse(A, resp, fa, 0);
      const src = record(A, fa, 5);
      copyResponse(A, src, B, fb, 0);
      expect(liftResponse(B, record(B, fb, 5))).toEqual(liftResponse(A, src));
      rewind();
    }),
    { seed: 42, numRuns: 300 },
  );
});

it('lays a head and a body of up to 1 KiB in one block, a larger body apart', () => {
  const [A, B] = [a.core!.mem, b.core!.mem];
  const fa = new Int32Array(14);
  const fb = new Int32Array(14);
  const headers: Array<[string, string]> = [
    ['host', 'api.example.com'],
    ['x-longer-name', 'a value of some length, past sixteen bytes'],
  ];
  for (const size of [0, 1, 1024, 1025, 70_000]) {
    const req = { method: 'POST', uri: '/v1/items', headers, body: new Uint8Array(size).map((_, i) => i % 251) };
    lowerRequest(A, req, fa, 0);
    copyRequest(A, record(A, fa, 9), B, fb, 0);
    // The list first (its alignment is the block's), its strings, method, uri, then a small body.
    const strings = headers.reduce((n, [k, v]) => n + k.length + v.length, 0);
    expect(fb[0]).toBe(fb[4] + headers.length * 16 + strings);
    expect(fb[2]).toBe(fb[0] + fb[1]);
    if (size > 0) expect(fb[7] === fb[2] + fb[3]).toBe(size <= 1024);
    expect(liftRequest(B, record(B, fb, 9))).toEqual(liftRequest(A, record(A, fa, 9)));
    rewind();
  }
});

it('refuses what the check refuses, allocating nothing in the destination', () => {
  const [A, B] = [a.core!.mem, b.core!.mem];
  const fa = new Int32Array(14);
  const fb = new Int32Array(14);
  lowerRequest(A, { method: 'GET', uri: '/', headers: [['bad name', 'v']], body: undefined }, fa, 0);
  const req = record(A, fa, 9);
  lowerResponse(A, { status: 200, headers: [['x', 'line\r\nbreak']], body: new Uint8Array(0) }, fa, 0);
  const resp = record(A, fa, 5);
  const first = probe(B);
  const step = probe(B) - first;
  expect(checkedCopyRequest(A, req, B, fb, 0)).toBe('a header name is not a token');
  expect(checkedCopyResponse(A, resp, B, fb, 9)).toMatch(/forbidden character/);
  expect(probe(B) - first).toBe(2 * step);
  rewind();
});

it('blames the source for a piece outside its memory, allocating nothing in the destination', () => {
  const [A, B] = [a.core!.mem, b.core!.mem];
  const fa = new Int32Array(14);
  const fb = new Int32Array(14);
  lowerRequest(A, { method: 'GET', uri: '/x', headers: [['a', 'b']], body: new Uint8Array(10) }, fa, 0);
  fa[8] = 0x7fff_fff0; // the body's length: past the end of A's memory
  const req = record(A, fa, 9);
  const first = probe(B);
  const step = probe(B) - first;
  expect(() => copyRequest(A, req, B, fb, 0)).toThrow(/out of bounds/);
  expect(probe(B) - first).toBe(2 * step);
  rewind();
});

it('gathers in a block of the source that its arena never hands out again', () => {
  const A = a.core!.mem;
  expect(A.scratch).toBeGreaterThanOrEqual(64);
  const end = A.scratch + SCRATCH_BYTES;
  const fa = new Int32Array(14);
  for (let i = 0; i < 20; i++) {
    lowerRequest(A, { method: 'GET', uri: `/${'x'.repeat(i * 50)}`, headers: [['a', 'b'.repeat(i * 30)]], body: new Uint8Array(i * 100) }, fa, 0);
    const at = record(A, fa, 9);
    for (const [p, n] of [
      [fa[0], fa[1]],
      [fa[2], fa[3]],
      [fa[4], 16],
      [fa[7], fa[8]],
      [at, 36],
    ])
      if (n > 0) expect(p >= end || p + n <= A.scratch).toBe(true);
    a.core!.postOnRequest!(0);
  }
});

it('copies piece by piece a value the source put in its scratch block, unchanged', () => {
  const [A, B] = [a.core!.mem, b.core!.mem];
  const fa = new Int32Array(14);
  const fb = new Int32Array(14);
  lowerRequest(A, { method: 'PUT', uri: '/in-the-block', headers: [['x-a', '1']], body: new Uint8Array([1, 2, 3]) }, fa, 0);
  // The uri moved into the block, as a guest may write its own memory anywhere.
  const uri = A.scratch + 100;
  A.u8.copyWithin(uri, fa[2], fa[2] + fa[3]);
  fa[2] = uri;
  const src = record(A, fa, 9);
  const want = liftRequest(A, src);
  expect(checkedCopyRequest(A, src, B, fb, 0)).toBeUndefined();
  expect(liftRequest(B, record(B, fb, 9))).toEqual(want);
  expect(A.u8.subarray(uri, uri + fa[3])).toEqual(new TextEncoder().encode('/in-the-block'));
  rewind();
});
