import { beforeAll, expect, it } from 'vitest';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import type { Guest } from '../src/component/guest.js';
import { invalidHop, invalidHopJs } from '../src/abi/hop-check.js';
import type { GuestMemory } from '../src/abi/memory.js';
import { bundledGuest } from './support/guest.js';

// The fused hop's check runs in WebAssembly over a guest's memory (abi/hop-check.wat,
// 16 bytes at a time): it must refuse exactly what the JS check refuses, for the same
// reason, on records whose bytes sit on every boundary it tests (control bytes, DEL,
// UTF-8 lead and continuation bytes, a pair across a 16-byte block, targets' prefixes).
let g: Guest;
beforeAll(async () => {
  g = await bundledGuest('echo', 'codec');
});

const edge = fc.constantFrom(0x00, 0x09, 0x0a, 0x0d, 0x1f, 0x20, 0x21, 0x22, 0x2a, 0x2f, 0x3a, 0x7e, 0x7f, 0x80, 0xbf, 0xc0, 0xc2, 0xc3, 0xc4, 0xff);
const byte = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) }, { weight: 1, arbitrary: edge });
const run = fc.oneof(
  fc.array(byte, { maxLength: 40 }),
  // Long and mostly clean, a bad or multi-byte character anywhere (SIMD blocks, tails, across blocks).
  fc
    .tuple(fc.nat(70), fc.nat(70), fc.array(edge, { minLength: 1, maxLength: 2 }))
    .map(([a, b, mid]) => [...Array(a).fill(0x61), ...mid, ...Array(b).fill(0x62)]),
  fc
    .constantFrom('/', '*', '**', 'http://x', 'HTTPS://a.b/c', 'http:/x/yy', 'httpx://a', 'https:/', 'GET', '', 'x-h', 'a\u00e9b')
    .map((s) => [...Buffer.from(s, 'utf8')]),
);
const ascii = (s: string) => [...Buffer.from(s, 'latin1')];
// Mostly valid pieces, so that every later check is reached too; sometimes any run.
const mostly = (valid: fc.Arbitrary<number[]>) => fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: run });
const tokenRun = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}$/).map(ascii);
const valueRun = fc.oneof(fc.stringMatching(/^[ -~\t]{0,60}$/).map(ascii), run);
const record = fc.record({
  method: mostly(tokenRun),
  uri: mostly(fc.stringMatching(/^\/[!-~]{0,50}$/).map(ascii)),
  headers: fc.array(fc.tuple(mostly(tokenRun), valueRun), { maxLength: 6 }),
  status: fc.constantFrom(100, 199, 200, 204, 304, 404, 599, 600),
  body: fc.nat(3),
});

interface Laid {
  method: number[];
  uri: number[];
  headers: Array<[number[], number[]]>;
  status: number;
  body: number;
}

/** Lay `r` out in the guest's memory as a request and a response record; their pointers. */
function lay(mem: GuestMemory, r: Laid): { req: number; resp: number } {
  const bytes = (b: number[]) => {
    const p = mem.alloc(Math.max(b.length, 1), 1);
    mem.u8.set(b, p);
    return p;
  };
  const method = bytes(r.method);
  const uri = bytes(r.uri);
  const list = mem.alloc(16 * Math.max(r.headers.length, 1), 4);
  r.headers.forEach(([k, v], i) => {
    const kp = bytes(k);
    const vp = bytes(v);
    mem.u32.set([kp, k.length, vp, v.length], (list >>> 2) + i * 4);
  });
  const req = mem.alloc(36, 4);
  mem.u32.set([method, r.method.length, uri, r.uri.length, list, r.headers.length, 0, 0, 0], req >>> 2);
  const resp = mem.alloc(20, 4);
  mem.u32.set([r.status, list, r.headers.length, 0, r.body], resp >>> 2);
  return { req, resp };
}

it('hop-check.wat and the bytes in hop-check-wasm.ts agree', () => {
  execFileSync(process.execPath, ['scripts/build-hop.mjs', '--check']);
});

it('refuses exactly what the JS check refuses, for the same reason', () => {
  const mem = g.core!.mem as GuestMemory;
  const reasons = new Map<string | undefined, number>();
  fc.assert(
    fc.property(record, (r) => {
      const { req, resp } = lay(mem, r);
      const reason = invalidHop(mem, req, 'request');
      expect(reason).toBe(invalidHopJs(mem, req, 'request'));
      expect(invalidHop(mem, resp, 'response')).toBe(invalidHopJs(mem, resp, 'response'));
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      g.core!.postOnRequest!(0); // rewinds the arena
    }),
    { seed: 11, numRuns: 2000 },
  );
  // Every outcome was reached, not only the first check's.
  expect([...reasons.keys()].sort()).toEqual(
    [
      undefined,
      'the method is not a token',
      'the uri is not a valid request target',
      'a header name is not a token',
      'a header value has a forbidden character (CR, LF, NUL, control or past U+00FF)',
    ].sort(),
  );
  for (const n of reasons.values()) expect(n).toBeGreaterThan(50);
});

it('leaves a record or header list outside the memory to the copy, as the JS check does', () => {
  const mem = g.core!.mem as GuestMemory;
  const end = mem.u8.byteLength;
  for (const rec of [end - 8, end - 36, end + 64, 2]) {
    expect(invalidHop(mem, rec, 'request')).toBe(invalidHopJs(mem, rec, 'request'));
    expect(invalidHop(mem, rec, 'response')).toBe(invalidHopJs(mem, rec, 'response'));
  }
});

it('checks strings in the last bytes of the memory, where no whole block can be read, as the JS check does', () => {
  const mem = g.core!.mem as GuestMemory;
  const end = mem.u8.byteLength;
  const samples = ['GET', 'x-a', 'bad name', 'ok value\t', 'bad\u0001', 'caf\u00c3\u00a9', '/p?q=1', '/bad path', 'http://h/x'];
  let checked = 0;
  for (const s of samples) {
    const b = ascii(s);
    for (let gap = 0; gap < 16; gap++) {
      const at = end - b.length - gap;
      const saved = mem.u8.slice(at, end);
      mem.u8.set(b, at);
      for (const field of [0, 1, 2, 3]) {
        // The string in one field (method, uri, a header's name or value), the others valid.
        const laid: Laid = { method: ascii('GET'), uri: ascii('/'), headers: [[ascii('k'), ascii('v')]], status: 200, body: 0 };
        const { req } = lay(mem, laid);
        const w = req >>> 2;
        const list = mem.u32[w + 4] >>> 2;
        const slot = field === 0 ? w : field === 1 ? w + 2 : field === 2 ? list : list + 2;
        mem.u32[slot] = at;
        mem.u32[slot + 1] = b.length;

        expect(invalidHop(mem, req, 'request'), `${s} +${gap} in field ${field}`).toBe(invalidHopJs(mem, req, 'request'));
        checked++;
        g.core!.postOnRequest!(0);
      }
      mem.u8.set(saved, at);
    }
  }
  expect(checked).toBe(samples.length * 16 * 4);
});
