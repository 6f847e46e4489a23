import { expect, it } from 'vitest';
import fc from 'fast-check';
import { text, utf8 } from './index.js';

// QuickJS in the guest has no TextEncoder/TextDecoder; the SDK's codec must agree with Node's.
it('encodes and decodes UTF-8 as Node does, lone surrogates and malformed bytes as U+FFFD', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) }), (s, lone) => {
      const mixed = s + lone + s;
      expect(Buffer.from(utf8(mixed))).toEqual(Buffer.from(mixed, 'utf8'));
      expect(text(utf8(s))).toBe(s);
    }),
    { seed: 42, numRuns: 500 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      expect(text(bytes)).toBe(new TextDecoder().decode(bytes));
    }),
    { seed: 42, numRuns: 2000 },
  );
  expect(text(null)).toBe('');
});
