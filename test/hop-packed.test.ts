import { beforeAll, expect, it } from 'vitest';
import type { Guest } from '../src/component/guest.js';
import { lowerRequest, lowerResponse } from '../src/abi/lower.js';
import { liftRequest, liftResponse } from '../src/abi/lift.js';
import { copyRequest, copyResponse } from '../src/abi/hop.js';
import type { AbiMemory } from '../src/abi/memory.js';
import { bundledGuest } from './support/guest.js';

// Into an arena guest (the SDK's echo), a fused hop — the Wasm one where the runtime has
// multi-memory, else the JS one — puts a value's head (method, uri, header list and strings)
// in one allocation: the pieces lie back to back. A head too large to reserve (aliased
// lengths) and a hop that failed halfway leave no reservation behind.
let a: Guest;
let b: Guest;
beforeAll(async () => {
  [a, b] = await Promise.all([bundledGuest('echo', 'codec'), bundledGuest('echo', 'codec')]);
});

const headers: Array<[string, string]> = [
  ['host', 'api.example.com'],
  ['user-agent', 'witline-test/1.0'],
  ['accept', 'application/json'],
  ['x-a', '1'],
  ['x-longer-name', 'a value of some length'],
];

function record(mem: AbiMemory, flat: Int32Array, words: number): number {
  const rec = mem.alloc(words * 4, 4);
  for (let i = 0; i < words; i++) mem.u32[(rec >>> 2) + i] = flat[i];
  return rec;
}

/** The [start, end) pieces of a header list in `mem`: the list itself and every string. */
function listPieces(mem: AbiMemory, list: number, n: number): Array<[number, number]> {
  const pieces: Array<[number, number]> = [[list, list + n * 16]];
  for (let i = 0; i < n; i++) {
    const e = (list >>> 2) + i * 4;
    pieces.push([mem.u32[e], mem.u32[e] + mem.u32[e + 1]], [mem.u32[e + 2], mem.u32[e + 2] + mem.u32[e + 3]]);
  }
  return pieces;
}

/** How far the pieces spread beyond their total size: 0 to 3 (the list's alignment) when back to back. */
function spread(pieces: Array<[number, number]>): number {
  const start = Math.min(...pieces.map(([s]) => s));
  const end = Math.max(...pieces.map(([, e]) => e));
  return end - start - pieces.reduce((n, [s, e]) => n + (e - s), 0);
}

it('copies a request head into one allocation of an arena guest', () => {
  const fa = new Int32Array(14);
  const fb = new Int32Array(14);
  const req = { method: 'POST', uri: '/v1/items?limit=10', headers, body: new Uint8Array(300).fill(7) };
  lowerRequest(a.core!.mem, req, fa, 0);
  const src = record(a.core!.mem, fa, 9);
  copyRequest(a.core!.mem, src, b.core!.mem, fb, 0);
  const B = b.core!.mem;
  const head: Array<[number, number]> = [[fb[0], fb[0] + fb[1]], [fb[2], fb[2] + fb[3]], ...listPieces(B, fb[4], fb[5])];
  expect(spread(head)).toBeLessThanOrEqual(3);
  expect(liftRequest(B, record(B, fb, 9))).toEqual(liftRequest(a.core!.mem, src));
  a.core!.postOnRequest!(0);
  b.core!.postOnRequest!(0);
});

it('copies a response head into one allocation of an arena guest', () => {
  const fa = new Int32Array(14);
  const fb = new Int32Array(14);
  lowerResponse(a.core!.mem, { status: 201, headers, body: new Uint8Array(40).fill(1) }, fa, 0);
  const src = record(a.core!.mem, fa, 5);
  copyResponse(a.core!.mem, src, b.core!.mem, fb, 0);
  const B = b.core!.mem;
  expect(spread(listPieces(B, fb[1], fb[2]))).toBeLessThanOrEqual(3);
  expect(liftResponse(B, record(B, fb, 5))).toEqual(liftResponse(a.core!.mem, src));
  a.core!.postOnResponse!(0);
  b.core!.postOnResponse!(0);
});

it('copies a head of aliased lengths past any reservation piece by piece, unchanged', () => {
  const A = a.core!.mem;
  const fa = new Int32Array(14);
  const fb = new Int32Array(14);
  lowerRequest(A, { method: 'GET', uri: '/', headers: [], body: undefined }, fa, 0);
  // 80 headers whose values all point at the same 1 KiB: 80 KiB to copy from 1 KiB of source.
  const value = A.alloc(1024, 1);
  A.u8.fill(0x61, value, value + 1024);
  const name = A.alloc(3, 1);
  A.u8.set([0x78, 0x2d, 0x76], name);
  const n = 80;
  const list = A.alloc(n * 16, 4);
  for (let i = 0; i < n; i++) A.u32.set([name, 3, value, 1024], (list >>> 2) + i * 4);
  fa[4] = list;
  fa[5] = n;
  const src = record(A, fa, 9);
  copyRequest(A, src, b.core!.mem, fb, 0);
  const got = liftRequest(b.core!.mem, record(b.core!.mem, fb, 9));
  expect(got.headers).toHaveLength(n);
  expect(got.headers.every(([k, v]) => k === 'x-v' && v === 'a'.repeat(1024))).toBe(true);
  a.core!.postOnRequest!(0);
  b.core!.postOnRequest!(0);
});

it('leaves no reservation behind a hop that failed halfway', () => {
  const A = a.core!.mem;
  const B = b.core!.mem;
  const fa = new Int32Array(14);
  const fb = new Int32Array(14);
  lowerRequest(A, { method: 'GET', uri: '/x', headers, body: undefined }, fa, 0);
  // The request with its last header value pointing past the end of the memory: the hop
  // reserves its head in B, copies the first pieces, then fails.
  A.u32[(fa[4] >>> 2) + (headers.length - 1) * 4 + 2] = A.u8.byteLength - 2;
  expect(() => copyRequest(A, record(A, fa, 9), B, fb, 0)).toThrow(/out of bounds/);
  // B's arena rewound; what B allocates next lies where that reservation was.
  b.core!.postOnRequest!(0);
  const mark = B.alloc(256, 8);
  B.u8.fill(0x5a, mark, mark + 256);
  // A head with no headers is not reserved: each piece must come from B's allocator, not
  // from the failed hop's reservation (which would land on top of `mark`).
  lowerRequest(A, { method: 'DELETE', uri: '/a/'.padEnd(100, 'z'), headers: [], body: undefined }, fa, 0);
  const src = record(A, fa, 9);
  copyRequest(A, src, B, fb, 0);
  expect(B.u8.subarray(mark, mark + 256).every((x) => x === 0x5a)).toBe(true);
  expect(liftRequest(B, record(B, fb, 9))).toEqual(liftRequest(A, src));
  a.core!.postOnRequest!(0);
  b.core!.postOnRequest!(0);
});
