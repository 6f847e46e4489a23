import { HEADER_SIZE, REQUEST, RESPONSE } from './layout.js';
import { GuestMemory, type AbiMemory } from './memory.js';
import { HOP_CHECK_WASM } from './hop-check-wasm.js';
import { embeddedModule } from './embedded.js';

/**
 * What a fused hop checks before a guest's output is copied into the next guest: what
 * per-hop mode would refuse with a 502 when it lifts the value (core/validate.ts), read on
 * the bytes in the source memory, so that no guest receives what no socket could deliver.
 *
 * - method: a token (RFC 9110 §5.6.2); uri: visible ASCII starting with `/`, `*` or
 *   `http(s)://`; header names: tokens; header values: the bytes of tab, printable ASCII or
 *   U+0080–U+00FF in UTF-8 (what Node writes); a response's status 200–599 and no body on 204/304.
 *
 * Each check is exact for what it admits: tokens and the uri are ASCII, and a value's
 * multi-byte sequences are only C2/C3 followed by a continuation byte, so any invalid UTF-8
 * in them is refused too. The body is bytes (`list<u8>`) and needs no check. Sizes are not
 * bounded here (a larger value only costs the next guest memory, within its own cap); they
 * are checked where the value leaves the segment. Values out of bounds are left to the copy,
 * which reports them. Returns the reason, or undefined when the value may go on.
 */
export function invalidHop(mem: AbiMemory, rec: number, kind: 'request' | 'response'): string | undefined {
  const check = mem instanceof GuestMemory ? wasmCheck(mem) : undefined;
  if (!check) return invalidHopJs(mem, rec, kind);
  return hopReason(kind === 'request' ? check.request(rec) : check.response(rec), mem, rec, kind);
}

/** The reason for a code hop-check.wat returned (0: none) about the record at `rec` in `mem`. */
export function hopReason(code: number, mem: AbiMemory, rec: number, kind: 'request' | 'response'): string | undefined {
  // A status refused: its message names it, which the JS check words.
  return code === 0 ? undefined : code <= 4 ? REASONS[code] : invalidHopJs(mem, rec, kind);
}

/** The reasons, by the code hop-check.wat returns (0: none; 5 and 6, the status: worded by the JS check). */
const REASONS = [
  undefined,
  'the method is not a token',
  'the uri is not a valid request target',
  'a header name is not a token',
  'a header value has a forbidden character (CR, LF, NUL, control or past U+00FF)',
] as const;

interface WasmCheck {
  request(rec: number): number;
  response(rec: number): number;
}

let checkModule: WebAssembly.Module | null | undefined;

/**
 * The check of hop-check.wat over `mem` (one instance per guest memory, kept on it), where
 * the runtime validates it (SIMD: every Node this package supports; `WITLINE_WASM_HOP=off`
 * turns it off with the Wasm copy, for comparison).
 */
export function wasmCheck(mem: GuestMemory): WasmCheck | undefined {
  if (mem.hopCheck) return mem.hopCheck as WasmCheck;
  if (checkModule === undefined) checkModule = embeddedModule(HOP_CHECK_WASM);
  if (!checkModule) return undefined;
  const ex = new WebAssembly.Instance(checkModule, { m: { mem: mem.memory } }).exports as unknown as WasmCheck;
  mem.hopCheck = ex;
  return ex;
}

/** {@link invalidHop} in JS: for records in host memory, and the reference hop-check.wat is tested against. */
export function invalidHopJs(mem: AbiMemory, rec: number, kind: 'request' | 'response'): string | undefined {
  const u8 = mem.u8;
  const u32 = mem.u32;
  if (rec % 4 !== 0 || rec + (kind === 'request' ? REQUEST.size : RESPONSE.size) > u8.byteLength) return undefined;
  const w = rec >>> 2;
  let headers: number;
  if (kind === 'request') {
    if (!isToken(u8, u32[w], u32[w + 1])) return 'the method is not a token';
    if (!validTarget(u8, u32[w + 2], u32[w + 3])) return 'the uri is not a valid request target';
    headers = rec + REQUEST.headers;
  } else {
    const status = u8[rec] | (u8[rec + 1] << 8);
    if (status < 200 || status > 599) return `status ${status} is not a final HTTP status (200-599)`;
    if ((status === 204 || status === 304) && u32[(rec + RESPONSE.body + 4) >>> 2] !== 0) return `a ${status} response cannot have a body`;
    headers = rec + RESPONSE.headers;
  }
  const base = u32[headers >>> 2];
  const n = u32[(headers >>> 2) + 1];
  if (base % 4 !== 0 || base + n * HEADER_SIZE > u8.byteLength) return undefined;
  for (let i = 0; i < n; i++) {
    const e = (base + i * HEADER_SIZE) >>> 2;
    if (!isToken(u8, u32[e], u32[e + 1])) return 'a header name is not a token';
    if (!fieldValue(u8, u32[e + 2], u32[e + 3])) return 'a header value has a forbidden character (CR, LF, NUL, control or past U+00FF)';
  }
  return undefined;
}

// RFC 9110 token characters, by byte.
const TOKEN = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~") TOKEN[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) TOKEN[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TOKEN[c] = TOKEN[c + 0x20] = 1;

/** A non-empty run of token bytes; true (left to the copy) when out of bounds. */
function isToken(u8: Uint8Array, ptr: number, len: number): boolean {
  if (len === 0) return false;
  const end = ptr + len;
  if (end > u8.byteLength) return true;
  for (let i = ptr; i < end; i++) if (TOKEN[u8[i]] === 0) return false;
  return true;
}

function validTarget(u8: Uint8Array, ptr: number, len: number): boolean {
  if (len === 0) return false;
  if (ptr + len > u8.byteLength) return true;
  for (let i = ptr; i < ptr + len; i++) if (u8[i] < 0x21 || u8[i] > 0x7e) return false;
  const first = u8[ptr];
  if (first === 0x2f /* / */ || (first === 0x2a /* * */ && len === 1)) return true;
  // http:// or https://, any case (| 0x20 lower-cases a letter)
  if (len < 8 || (u8[ptr] | 0x20) !== 0x68 || (u8[ptr + 1] | 0x20) !== 0x74 || (u8[ptr + 2] | 0x20) !== 0x74 || (u8[ptr + 3] | 0x20) !== 0x70) return false;
  const at = ptr + ((u8[ptr + 4] | 0x20) === 0x73 ? 5 : 4);
  return u8[at] === 0x3a && u8[at + 1] === 0x2f && u8[at + 2] === 0x2f;
}

// Field-value bytes by class: 1 tab and printable ASCII, 2 a lead byte of U+0080–U+00FF
// (C2, C3), 0 anything else. One table load per byte instead of three comparisons.
const VALUE = new Uint8Array(256);
VALUE[0x09] = 1;
for (let c = 0x20; c <= 0x7e; c++) VALUE[c] = 1;
VALUE[0xc2] = VALUE[0xc3] = 2;

/** Tab, printable ASCII, or U+0080–U+00FF as UTF-8 (C2/C3 and a continuation byte). */
function fieldValue(u8: Uint8Array, ptr: number, len: number): boolean {
  if (ptr + len > u8.byteLength) return true;
  const end = ptr + len;
  for (let i = ptr; i < end; i++) {
    const k = VALUE[u8[i]];
    if (k === 1) continue;
    if (k === 2 && i + 1 < end && (u8[i + 1] & 0xc0) === 0x80) {
      i++;
      continue;
    }
    return false;
  }
  return true;
}
