// A validating JSON scanner over UTF-8 bytes. It never builds a document tree:
// it finds the byte spans of members and values, so that a middleware can read a
// claim or splice one field of a large body without re-serialising the rest.

/** A byte range [start, end) in the scanned buffer. */
export class Span {
  constructor(public start: i32, public end: i32) {}
}

/** An object member: `key` spans the quoted key, `value` the value. */
export class Member {
  constructor(public key: Span, public value: Span) {}
}

const MAX_DEPTH = 256;

// The scan reads bytes straight from the buffer's data (`base`, `n` bytes) rather than
// through the array: no field load per byte. A body is scanned whole on every edit (the
// transform's JSON rules validate what they touch), so this loop is on the request path.

function isWs(c: u32): bool {
  return c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d;
}

// @ts-ignore: decorator
@inline function wsEnd(base: usize, n: i32, i: i32): i32 {
  while (i < n && isWs(load<u8>(base + <usize>i))) i++;
  return i;
}

export function skipWs(b: Uint8Array, i: i32): i32 {
  return wsEnd(b.dataStart, b.length, i);
}

function isDigit(c: u32): bool {
  return c - 0x30 <= 9;
}

function isHex(c: u32): bool {
  return isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}

/**
 * End of the string literal whose opening quote is at `i`, or -1. Plain bytes are skipped
 * 16 at a time (SIMD: any quote, backslash or control byte among them stops the skip at
 * the first one); the few bytes past the last whole 16 go one by one.
 */
function stringAt(base: usize, n: i32, i: i32): i32 {
  i++;
  const quote = i8x16.splat(0x22);
  const slash = i8x16.splat(0x5c);
  const space = i8x16.splat(0x20);
  while (true) {
    while (i + 16 <= n) {
      const v = v128.load(base + <usize>i);
      const stop = i8x16.bitmask(v128.or(v128.or(i8x16.eq(v, quote), i8x16.eq(v, slash)), i8x16.lt_u(v, space)));
      if (stop == 0) {
        i += 16;
        continue;
      }
      i += ctz(stop);
      break;
    }
    if (i >= n) return -1;
    const c = <u32>load<u8>(base + <usize>i);
    if (c == 0x22) return i + 1;
    if (c < 0x20) return -1;
    if (c == 0x5c) {
      if (i + 1 >= n) return -1;
      const e = <u32>load<u8>(base + <usize>i + 1);
      if (e == 0x75) {
        if (i + 5 >= n) return -1;
        for (let k = 2; k < 6; k++) if (!isHex(load<u8>(base + <usize>(i + k)))) return -1;
        i += 6;
        continue;
      }
      if (e != 0x22 && e != 0x5c && e != 0x2f && e != 0x62 && e != 0x66 && e != 0x6e && e != 0x72 && e != 0x74) return -1;
      i += 2;
      continue;
    }
    i++;
  }
  return -1; // not reached: the loop returns
}

function stringEnd(b: Uint8Array, i: i32): i32 {
  return stringAt(b.dataStart, b.length, i);
}

function numberAt(base: usize, n: i32, i: i32): i32 {
  if (i < n && load<u8>(base + <usize>i) == 0x2d) i++;
  if (i >= n) return -1;
  const first = <u32>load<u8>(base + <usize>i);
  if (first == 0x30) {
    i++;
  } else if (isDigit(first)) {
    while (i < n && isDigit(load<u8>(base + <usize>i))) i++;
  } else {
    return -1;
  }
  if (i < n && load<u8>(base + <usize>i) == 0x2e) {
    i++;
    if (i >= n || !isDigit(load<u8>(base + <usize>i))) return -1;
    while (i < n && isDigit(load<u8>(base + <usize>i))) i++;
  }
  if (i < n && (<u32>load<u8>(base + <usize>i) | 0x20) == 0x65) {
    i++;
    if (i < n && (load<u8>(base + <usize>i) == 0x2b || load<u8>(base + <usize>i) == 0x2d)) i++;
    if (i >= n || !isDigit(load<u8>(base + <usize>i))) return -1;
    while (i < n && isDigit(load<u8>(base + <usize>i))) i++;
  }
  return i;
}

function numberEnd(b: Uint8Array, i: i32): i32 {
  return numberAt(b.dataStart, b.length, i);
}

function literalAt(base: usize, n: i32, i: i32, lit: string): i32 {
  const m = lit.length;
  if (i + m > n) return -1;
  for (let k = 0; k < m; k++) if (<i32>load<u8>(base + <usize>(i + k)) != lit.charCodeAt(k)) return -1;
  return i + m;
}

// The containers open in one scan, innermost last (1: object, 0: array): static, so a scan
// allocates nothing and its depth costs no native stack.
const OPEN = memory.data(MAX_DEPTH + 2);

/**
 * End of the value at or after `i` (whitespace skipped), nested `depth` deep already, or
 * -1 if it is not valid JSON or nests deeper than MAX_DEPTH. One loop with its own stack
 * of open containers: a value, then what may follow it (a comma, a closing bracket).
 */
function valueEndAt(b: Uint8Array, i: i32, depth: i32): i32 {
  const base = b.dataStart;
  const n = b.length;
  let top = 0;
  while (true) {
    // A value begins here.
    i = wsEnd(base, n, i);
    if (i >= n || depth + top > MAX_DEPTH) return -1;
    const c = <u32>load<u8>(base + <usize>i);
    if (c == 0x22) i = stringAt(base, n, i);
    else if (c == 0x7b || c == 0x5b) {
      const obj = c == 0x7b;
      i = wsEnd(base, n, i + 1);
      if (i < n && <u32>load<u8>(base + <usize>i) == (obj ? 0x7d : 0x5d)) {
        i++; // empty: a whole value
      } else {
        store<u8>(OPEN + <usize>top, <u8>obj);
        top++;
        if (obj) {
          i = memberKey(base, n, i);
          if (i < 0) return -1;
        }
        continue;
      }
    } else if (c == 0x74) i = literalAt(base, n, i, "true");
    else if (c == 0x66) i = literalAt(base, n, i, "false");
    else if (c == 0x6e) i = literalAt(base, n, i, "null");
    else i = numberAt(base, n, i);
    if (i < 0) return -1;
    // A value ended: close what it ends, or go on to the next member or element.
    while (true) {
      if (top == 0) return i;
      i = wsEnd(base, n, i);
      if (i >= n) return -1;
      const d = <u32>load<u8>(base + <usize>i);
      const obj = load<u8>(OPEN + <usize>(top - 1)) != 0;
      if (d == 0x2c) {
        i++;
        if (obj) {
          i = memberKey(base, n, wsEnd(base, n, i));
          if (i < 0) return -1;
        }
        break;
      }
      if (d != (obj ? 0x7d : 0x5d)) return -1;
      i++;
      top--;
    }
  }
}

/** A member's key and colon at `i`: the offset after the colon, or -1. */
function memberKey(base: usize, n: i32, i: i32): i32 {
  if (i >= n || load<u8>(base + <usize>i) != 0x22) return -1;
  i = stringAt(base, n, i);
  if (i < 0) return -1;
  i = wsEnd(base, n, i);
  if (i >= n || load<u8>(base + <usize>i) != 0x3a) return -1;
  return i + 1;
}

/** End offset of the value starting at or after `i` (leading whitespace skipped), or -1 if invalid. */
export function valueEnd(b: Uint8Array, i: i32): i32 {
  return valueEndAt(b, i, 0);
}

/** True if the whole buffer is exactly one JSON value (whitespace around allowed). */
export function isValid(b: Uint8Array): bool {
  const end = valueEnd(b, 0);
  return end >= 0 && skipWs(b, end) == b.length;
}

/**
 * The members of the JSON object that is the whole of `b` (whitespace around allowed), in
 * order; null unless `b` is exactly one valid JSON object (the same check as `isValid`).
 * One pass both validates and finds the members, so reading or editing them needs no
 * second scan of the body.
 */
export function objectMembers(b: Uint8Array): Member[] | null {
  const n = b.length;
  let i = skipWs(b, 0);
  if (i >= n || unchecked(b[i]) != 0x7b) return null;
  const out: Member[] = [];
  i = skipWs(b, i + 1);
  if (i < n && unchecked(b[i]) == 0x7d) return skipWs(b, i + 1) == n ? out : null;
  while (true) {
    if (i >= n || unchecked(b[i]) != 0x22) return null;
    const ks = i;
    i = stringEnd(b, i);
    if (i < 0) return null;
    const ke = i;
    i = skipWs(b, i);
    if (i >= n || unchecked(b[i]) != 0x3a) return null;
    const vs = skipWs(b, i + 1);
    const ve = valueEndAt(b, vs, 1);
    if (ve < 0) return null;
    out.push(new Member(new Span(ks, ke), new Span(vs, ve)));
    i = skipWs(b, ve);
    if (i >= n) return null;
    const d = unchecked(b[i]);
    if (d == 0x7d) return skipWs(b, i + 1) == n ? out : null;
    if (d != 0x2c) return null;
    i = skipWs(b, i + 1);
  }
}

/**
 * Whether the string literal at `k` (quotes included, already validated) is `key`. A key
 * written without escapes is compared byte for byte with an ASCII `key`, with no decoding.
 */
export function keyIs(b: Uint8Array, k: Span, key: string): bool {
  const start = k.start + 1;
  const end = k.end - 1;
  let ascii = true;
  for (let i = 0; i < key.length; i++) {
    if (key.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  let escaped = false;
  for (let i = start; i < end; i++) {
    if (unchecked(b[i]) == 0x5c) {
      escaped = true;
      break;
    }
  }
  if (ascii && !escaped) {
    // Non-ASCII bytes in the literal can never equal an ASCII key's characters.
    if (end - start != key.length) return false;
    for (let i = 0; i < key.length; i++) if (<i32>unchecked(b[start + i]) != key.charCodeAt(i)) return false;
    return true;
  }
  const s = decodeString(b, k);
  return s !== null && s == key;
}

/** The last of `members` named `key` (the one JSON.parse keeps), or null. */
export function lastMember(b: Uint8Array, members: Member[], key: string): Member | null {
  for (let i = members.length - 1; i >= 0; i--) {
    const m = unchecked(members[i]);
    if (keyIs(b, m.key, key)) return m;
  }
  return null;
}

/** Span of the value starting at or after `i`, or null if invalid. */
export function valueSpan(b: Uint8Array, i: i32): Span | null {
  const start = skipWs(b, i);
  const end = valueEnd(b, start);
  return end < 0 ? null : new Span(start, end);
}

/**
 * The member named `key` of the object whose `{` is at `objStart` (the last one if
 * the key repeats, as JSON.parse would keep), or null if absent or not an object.
 */
export function findMember(b: Uint8Array, objStart: i32, key: string): Member | null {
  let i = skipWs(b, objStart);
  if (i >= b.length || unchecked(b[i]) != 0x7b) return null;
  i = skipWs(b, i + 1);
  if (i < b.length && unchecked(b[i]) == 0x7d) return null;
  let found: Member | null = null;
  while (i < b.length) {
    i = skipWs(b, i);
    if (i >= b.length || unchecked(b[i]) != 0x22) return null;
    const ks = i;
    i = stringEnd(b, i);
    if (i < 0) return null;
    const ke = i;
    i = skipWs(b, i);
    if (i >= b.length || unchecked(b[i]) != 0x3a) return null;
    const vs = skipWs(b, i + 1);
    const ve = valueEnd(b, vs);
    if (ve < 0) return null;
    const ksp = new Span(ks, ke);
    if (keyIs(b, ksp, key)) found = new Member(ksp, new Span(vs, ve));
    i = skipWs(b, ve);
    if (i >= b.length) return null;
    if (unchecked(b[i]) == 0x7d) return found;
    if (unchecked(b[i]) != 0x2c) return null;
    i++;
  }
  return null;
}

/** The member at a path of keys through nested objects, starting at the root value. */
export function findPath(b: Uint8Array, path: string[]): Member | null {
  let at = skipWs(b, 0);
  let m: Member | null = null;
  for (let k = 0; k < path.length; k++) {
    m = findMember(b, at, path[k]);
    if (m === null) return null;
    at = m.value.start;
  }
  return m;
}

/** The first byte of the value at `span` ('{', '[', '"', 't', 'f', 'n', '-' or a digit). */
export function kindOf(b: Uint8Array, span: Span): u8 {
  return span.start < b.length ? b[span.start] : 0;
}

function hexVal(c: u8): u32 {
  if (c <= 0x39) return <u32>c - 0x30;
  if (c >= 0x61) return <u32>c - 0x61 + 10;
  return <u32>c - 0x41 + 10;
}

/** Decode the JSON string literal at `span` (quotes included), or null if it is not one. */
export function decodeString(b: Uint8Array, span: Span): string | null {
  let i = span.start;
  const end = span.end - 1;
  if (span.end - span.start < 2 || b[i] != 0x22 || b[end] != 0x22) return null;
  i++;
  // Fast path: no escapes, decode the UTF-8 directly.
  let plain = true;
  for (let k = i; k < end; k++) if (unchecked(b[k]) == 0x5c) { plain = false; break; }
  if (plain) return String.UTF8.decodeUnsafe(b.dataStart + <usize>i, <usize>(end - i));
  let out = "";
  let runStart = i;
  while (i < end) {
    if (unchecked(b[i]) != 0x5c) { i++; continue; }
    out += String.UTF8.decodeUnsafe(b.dataStart + <usize>runStart, <usize>(i - runStart));
    const e = b[i + 1];
    if (e == 0x75) {
      const cu = (hexVal(b[i + 2]) << 12) | (hexVal(b[i + 3]) << 8) | (hexVal(b[i + 4]) << 4) | hexVal(b[i + 5]);
      out += String.fromCharCode(<i32>cu);
      i += 6;
    } else {
      if (e == 0x6e) out += "\n";
      else if (e == 0x74) out += "\t";
      else if (e == 0x72) out += "\r";
      else if (e == 0x62) out += "\b";
      else if (e == 0x66) out += "\f";
      else out += String.fromCharCode(<i32>e);
      i += 2;
    }
    runStart = i;
  }
  out += String.UTF8.decodeUnsafe(b.dataStart + <usize>runStart, <usize>(end - runStart));
  return out;
}

const HEX = "0123456789abcdef";

/** A JSON string literal (with quotes) for `s`. */
export function encodeString(s: string): string {
  let out = "\"";
  let runStart = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c != 0x22 && c != 0x5c) continue;
    out += s.substring(runStart, i);
    if (c == 0x22) out += "\\\"";
    else if (c == 0x5c) out += "\\\\";
    else if (c == 0x0a) out += "\\n";
    else if (c == 0x0d) out += "\\r";
    else if (c == 0x09) out += "\\t";
    else out += "\\u00" + HEX.charAt(c >> 4) + HEX.charAt(c & 15);
    runStart = i + 1;
  }
  return out + s.substring(runStart) + "\"";
}

/** The number at `span`, or NaN if it is not a JSON number. */
export function parseNumber(b: Uint8Array, span: Span): f64 {
  if (numberEnd(b, span.start) != span.end) return NaN;
  return parseFloat(String.UTF8.decodeUnsafe(b.dataStart + <usize>span.start, <usize>(span.end - span.start)));
}

/** `b` with bytes [start, end) replaced by `insert`. */
export function splice(b: Uint8Array, start: i32, end: i32, insert: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length - (end - start) + insert.length);
  memory.copy(out.dataStart, b.dataStart, <usize>start);
  memory.copy(out.dataStart + <usize>start, insert.dataStart, <usize>insert.length);
  memory.copy(out.dataStart + <usize>(start + insert.length), b.dataStart + <usize>end, <usize>(b.length - end));
  return out;
}
