import fc from 'fast-check';
import type { WitRequest, WitResponse } from '../../src/index.js';

/** Strings the ABI must carry: unicode (incl. astral), empty, long. */
export const anyString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.string({ minLength: 1000, maxLength: 5000 }) },
);

export const anyHeaders = fc.array(fc.tuple(anyString, anyString), { maxLength: 12 });
export const anyBytes = fc.uint8Array({ maxLength: 3000 });

export const anyRequest: fc.Arbitrary<WitRequest> = fc
  .record({ method: anyString, uri: anyString, headers: anyHeaders, body: fc.option(anyBytes, { nil: undefined }) })
  .map((r) => (r.body === undefined ? { method: r.method, uri: r.uri, headers: r.headers } : r));

export const anyResponse: fc.Arbitrary<WitResponse> = fc.record({
  status: fc.integer({ min: 0, max: 65535 }),
  headers: anyHeaders,
  body: anyBytes,
});

// HTTP-valid pieces, for requests that go through the whole pipeline.
const tchar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_.~!#$%&*+^`|');
export const token = fc.string({ unit: tchar, minLength: 1, maxLength: 16 });
const vchar = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
export const fieldValue = fc.string({ unit: vchar, maxLength: 60 }).map((v) => v.trim());
export const httpHeaders = fc.array(
  fc.tuple(
    token.map((t) => `x-${t}`),
    fieldValue,
  ),
  { maxLength: 8 },
);
export const httpPath = fc.array(token, { maxLength: 5 }).map((parts) => '/' + parts.join('/'));
