import { beforeAll, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Guest } from '../src/component/guest.js';
import type { GuestMemory } from '../src/abi/memory.js';
import { bundledGuest } from './support/guest.js';

// Short strings are lifted through an intern table compared four bytes at a time
// (abi/memory.ts): every lift must still be exactly the string of its bytes, on a hit, on
// a miss, after a colliding string evicted it, and in the last bytes of the memory, where
// no whole word can be read past the string.
let g: Guest;
beforeAll(async () => {
  g = await bundledGuest('echo', 'codec');
});

const text = fc.oneof(
  fc.string({ unit: 'binary-ascii', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  // Strings that share their length and first and last four bytes: one hash slot, told apart by the middle.
  fc.tuple(fc.nat(25), fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 })).map(([n, c]) => `abcd${'x'.repeat(n)}${c}${'y'.repeat(3)}wxyz`),
);

it('lifts every short string exactly, again and again, wherever it lies', () => {
  const mem = g.core!.mem as GuestMemory;
  const end = mem.u8.byteLength;
  fc.assert(
    fc.property(fc.array(fc.tuple(text, fc.boolean()), { minLength: 1, maxLength: 8 }), (items) => {
      const placed = items.map(([s, atEnd], i) => {
        const bytes = Buffer.from(s, 'utf8');
        // At the very end of the memory (one per round, the others before it), or anywhere the arena puts it.
        const ptr = atEnd && i === 0 ? end - bytes.length : mem.alloc(Math.max(bytes.length, 1), 1);
        mem.u8.set(bytes, ptr);
        return { s, ptr, len: bytes.length };
      });
      for (let round = 0; round < 3; round++) for (const p of placed) expect(mem.readString(p.ptr, p.len)).toBe(p.s);
      mem.u8.fill(0, end - 64, end);
      g.core!.postOnRequest!(0);
    }),
    { seed: 29, numRuns: 1500 },
  );
});
