// Base64 (RFC 4648 §4) and base64url (§5) for guests.
//
// Decoders are strict and never trap: anything outside the alphabet, a bad length,
// misplaced padding or non-zero unused bits yields null. Rejecting non-canonical
// encodings matters for signatures: otherwise several strings would decode to the
// same signature, and a token could be altered without breaking it.

const STD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URLSAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Each alphabet's 6-bit values by character code (0xff: not in it), filled once at
// instantiation: one load per character instead of a chain of range tests.
const SEXTET_STD = memory.data(128);
const SEXTET_URL = memory.data(128);
for (let c = 0; c < 128; c++) {
  store<u8>(SEXTET_STD + <usize>c, 0xff);
  store<u8>(SEXTET_URL + <usize>c, 0xff);
}
for (let v = 0; v < 64; v++) {
  store<u8>(SEXTET_STD + <usize>STD.charCodeAt(v), <u8>v);
  store<u8>(SEXTET_URL + <usize>URLSAFE.charCodeAt(v), <u8>v);
}

/** The 6-bit value of base64 character `c`, or -1. `url` picks the alphabet for 62 and 63. */
// @ts-ignore: decorator
@inline function sextet(c: u32, url: bool): i32 {
  if (c >= 128) return -1;
  const v = <i32>load<u8>((url ? SEXTET_URL : SEXTET_STD) + <usize>c);
  return v == 0xff ? -1 : v;
}

/**
 * Decode the `n` characters at `p` holding no padding, each a `T` (u16: a string's UTF-16
 * units; u8: bytes in memory); null if invalid.
 */
function decodeRun<T>(p: usize, n: i32, url: bool): Uint8Array | null {
  const rem = n & 3;
  if (rem == 1) return null; // one character carries only 6 bits: never a whole byte
  const out = new Uint8Array((n >> 2) * 3 + (rem == 0 ? 0 : rem - 1));
  const o = out.dataStart;
  const w = <usize>alignof<T>();
  let j: usize = 0;
  let i = 0;
  const full = n - rem;
  while (i < full) {
    const q = p + (<usize>i << w);
    const a = sextet(<u32>load<T>(q), url), b = sextet(<u32>load<T>(q + (1 << w)), url);
    const c = sextet(<u32>load<T>(q + (2 << w)), url), d = sextet(<u32>load<T>(q + (3 << w)), url);
    if ((a | b | c | d) < 0) return null;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    store<u8>(o + j, <u8>(v >> 16));
    store<u8>(o + j + 1, <u8>(v >> 8));
    store<u8>(o + j + 2, <u8>v);
    i += 4;
    j += 3;
  }
  const q = p + (<usize>i << w);
  if (rem == 2) {
    const a = sextet(<u32>load<T>(q), url), b = sextet(<u32>load<T>(q + (1 << w)), url);
    if ((a | b) < 0 || (b & 0x0f) != 0) return null;
    store<u8>(o + j, <u8>((a << 2) | (b >> 4)));
  } else if (rem == 3) {
    const a = sextet(<u32>load<T>(q), url), b = sextet(<u32>load<T>(q + (1 << w)), url), c = sextet(<u32>load<T>(q + (2 << w)), url);
    if ((a | b | c) < 0 || (c & 0x03) != 0) return null;
    const v = (a << 12) | (b << 6) | c;
    store<u8>(o + j, <u8>(v >> 10));
    store<u8>(o + j + 1, <u8>(v >> 2));
  }
  return out;
}

/** Decode `s[start, end)` holding no padding; null if invalid. */
function decodeUnpadded(s: string, start: i32, end: i32, url: bool): Uint8Array | null {
  if (start < 0 || end > s.length || start > end) return null;
  return decodeRun<u16>(changetype<usize>(s) + (<usize>start << 1), end - start, url);
}

/**
 * {@link base64UrlDecode} of the `len` bytes at `ptr` (a header value where the host put
 * it, say), with no string in between. The caller vouches that they are in bounds.
 */
export function base64UrlDecodeRaw(ptr: usize, len: i32): Uint8Array | null {
  return decodeRun<u8>(ptr, len, true);
}

function encode(b: Uint8Array, alphabet: string, pad: bool): string {
  const n = b.length;
  const rem = n % 3;
  const tail = rem == 0 ? 0 : pad ? 4 : rem + 1;
  const len = (n / 3) * 4 + tail;
  // Build the UTF-16 string in place: one allocation, no intermediate bytes.
  const out = changetype<usize>(__new(<usize>len << 1, idof<string>()));
  const p = b.dataStart;
  const abc = changetype<usize>(alphabet);
  let i = 0;
  let j: usize = 0;
  for (; i + 3 <= n; i += 3) {
    const v = (<u32>load<u8>(p + <usize>i) << 16) | (<u32>load<u8>(p + <usize>i + 1) << 8) | <u32>load<u8>(p + <usize>i + 2);
    store<u16>(out + j, load<u16>(abc + ((v >> 18) << 1)));
    store<u16>(out + j + 2, load<u16>(abc + (((v >> 12) & 63) << 1)));
    store<u16>(out + j + 4, load<u16>(abc + (((v >> 6) & 63) << 1)));
    store<u16>(out + j + 6, load<u16>(abc + ((v & 63) << 1)));
    j += 8;
  }
  if (rem > 0) {
    const v = (<u32>load<u8>(p + <usize>i) << 16) | (rem == 2 ? <u32>load<u8>(p + <usize>i + 1) << 8 : 0);
    store<u16>(out + j, load<u16>(abc + ((v >> 18) << 1)));
    store<u16>(out + j + 2, load<u16>(abc + (((v >> 12) & 63) << 1)));
    if (rem == 2) store<u16>(out + j + 4, load<u16>(abc + (((v >> 6) & 63) << 1)));
    else if (pad) store<u16>(out + j + 4, 0x3d);
    if (pad) store<u16>(out + j + 6, 0x3d);
  }
  return changetype<string>(out);
}

/**
 * Decode base64url without padding (as in JWTs) from `s[start, end)`, or all of `s`.
 * Null on any character outside A-Z a-z 0-9 - _ (including `=`), a length that is
 * 1 mod 4, non-zero unused bits, or a range outside `s`.
 */
export function base64UrlDecode(s: string, start: i32 = 0, end: i32 = -1): Uint8Array | null {
  return decodeUnpadded(s, start, end < 0 ? s.length : end, true);
}

/** Encode as base64url without padding. */
export function base64UrlEncode(b: Uint8Array): string {
  return encode(b, URLSAFE, false);
}

/**
 * Decode standard, padded base64 from `s[start, end)`, or all of `s`. The length
 * must be a multiple of 4 with one or two `=` only where they belong; no whitespace.
 */
export function base64Decode(s: string, start: i32 = 0, end: i32 = -1): Uint8Array | null {
  if (end < 0) end = s.length;
  if (start < 0 || end > s.length || start > end || ((end - start) & 3) != 0) return null;
  if (end > start && s.charCodeAt(end - 1) == 0x3d) {
    end--;
    if (s.charCodeAt(end - 1) == 0x3d) end--;
  }
  return decodeUnpadded(s, start, end, false);
}

/** Encode as standard base64 with padding. */
export function base64Encode(b: Uint8Array): string {
  return encode(b, STD, true);
}
