// Character classes middlewares check their settings and headers against.

/** An RFC 9110 `tchar`: what header names and other tokens are made of. */
export function isTchar(c: i32): bool {
  if ((c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a)) return true;
  return c > 0 && c < 0x7f && "!#$%&'*+-.^_`|~".indexOf(String.fromCharCode(c)) >= 0;
}

/** A non-empty RFC 9110 token (a valid header name). */
export function isToken(s: string): bool {
  if (s.length == 0) return false;
  for (let i = 0; i < s.length; i++) if (!isTchar(s.charCodeAt(i))) return false;
  return true;
}

/** A non-empty run of ASCII digits. */
export function isDigits(s: string): bool {
  if (s.length == 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/**
 * Index of the first UTF-16 unit `c` in `s` at or after `from`, or -1. For one character
 * this beats `String#indexOf`, which compares a whole substring at every position (a
 * JWT's dots: ~0.3 µs per token).
 */
export function indexOfChar(s: string, c: i32, from: i32 = 0): i32 {
  for (let i = from; i < s.length; i++) if (<i32>s.charCodeAt(i) == c) return i;
  return -1;
}

/** The decimal digits of `n` (a leading '-' if negative) as ASCII bytes: a header value with no string made. */
export function decimal(n: i64): ArrayBuffer {
  let u: u64 = n < 0 ? <u64>(-n) : <u64>n;
  let digits = 1;
  for (let t = u; t >= 10; t /= 10) digits++;
  const len = digits + (n < 0 ? 1 : 0);
  const out = new ArrayBuffer(len);
  const p = changetype<usize>(out);
  if (n < 0) store<u8>(p, 0x2d);
  for (let i = len - 1; i >= len - digits; i--) {
    store<u8>(p + <usize>i, <u8>(0x30 + u % 10));
    u /= 10;
  }
  return out;
}
