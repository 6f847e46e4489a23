// auth: admits a request carrying a valid HS256 JWT (`Authorization: Bearer`) or a
// known API key, and answers 401 (RFC 6750 challenge) otherwise. On success the
// request goes on unchanged except for `x-auth-subject`, which is always removed
// and then set from the token's `sub`, so a client can never supply it.
//
// Nothing about the client input may trap (a trap is a 500 and a lost instance):
// every decoder here returns null on bad input and each failure maps to a reason.
import { Action, Config, Request, Response, equalsIgnoreCase, nowMs, utf8 } from "../sdk";
import { base64Decode, base64UrlDecodeRaw } from "../sdk/base64";
import { HmacSha256, constantTimeEqual, sha256 } from "../sdk/sha256";
import { Member, Span, decodeString, kindOf, lastMember, objectMembers, parseNumber, skipWs, valueSpan } from "../sdk/json";
import { isToken } from "../sdk/text";

const EXPIRED = "token expired";
const NOT_YET_VALID = "token not yet valid";
const BAD_SIGNATURE = "bad signature";
const MALFORMED = "malformed token";
const UNSUPPORTED_ALG = "unsupported alg";
const ISSUER_MISMATCH = "issuer mismatch";
const AUDIENCE_MISMATCH = "audience mismatch";
const MISSING = "missing credentials";
const INVALID_API_KEY = "invalid api key";

const SUBJECT_HEADER = "x-auth-subject";

// Settings, built in `configure`: they sit below the arena mark and survive requests.
// The keyed HMACs are reused per request; that only writes into their own state.
const keys: HmacSha256[] = [];
// API keys are kept as SHA-256 digests: comparing fixed-length digests leaks
// neither a key's bytes nor its length through timing.
const apiKeyDigests: Uint8Array[] = [];
let issuer: string | null = null;
let audience: string | null = null;
let skewSec: f64 = 30;
let apiKeyHeader = "x-api-key";
let realm = "witline";


/** Printable ASCII (and space), minus the characters that would need quoting when `quoted`. */
function isPlainAscii(s: string, quoted: bool): bool {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
    if (quoted && (c == 0x22 || c == 0x5c)) return false;
  }
  return true;
}

export function configure(config: Config): string | null {
  let seen = "";
  for (let i = 0; i < config.keys.length; i++) {
    const k = config.keys[i];
    const v = config.values[i];
    if (k == "secret" || k == "secret-base64") {
      const key = k == "secret" ? utf8(v) : base64Decode(v);
      if (key === null) return "auth: 'secret-base64' is not valid base64";
      if (key.length == 0) return "auth: a secret must not be empty";
      keys.push(new HmacSha256(key));
      continue;
    }
    if (k == "api-key") {
      if (v.length == 0) return "auth: an api key must not be empty";
      apiKeyDigests.push(sha256(utf8(v)));
      continue;
    }
    // The remaining settings are single-valued: a repeat is a mistake, not an override.
    if (seen.includes("|" + k + "|")) return "auth: '" + k + "' given more than once";
    seen += "|" + k + "|";
    if (k == "issuer") {
      if (v.length == 0) return "auth: 'issuer' must not be empty";
      issuer = v;
    } else if (k == "audience") {
      if (v.length == 0) return "auth: 'audience' must not be empty";
      audience = v;
    } else if (k == "clock-skew-sec") {
      const b = utf8(v);
      const n = parseNumber(b, new Span(0, b.length));
      if (!(n >= 0) || !isFinite(n)) return "auth: 'clock-skew-sec' must be a number >= 0";
      skewSec = n;
    } else if (k == "api-key-header") {
      if (!isToken(v)) return "auth: 'api-key-header' must be a header name";
      apiKeyHeader = v;
    } else if (k == "realm") {
      if (!isPlainAscii(v, true)) return "auth: 'realm' must be printable ASCII without '\"' or '\\'";
      realm = v;
    } else {
      return "auth: unknown setting '" + k + "'";
    }
  }
  if (keys.length == 0 && apiKeyDigests.length == 0) return "auth: needs a 'secret' or an 'api-key'";
  if (keys.length == 0 && (issuer !== null || audience !== null)) return "auth: 'issuer' and 'audience' need a 'secret'";
  return null;
}

/** Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF). */
function isUtf8(b: Uint8Array): bool {
  const p = b.dataStart;
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = <u32>load<u8>(p + <usize>i);
    if (c < 0x80) { i++; continue; }
    let need = 0;
    let cp: u32 = 0;
    let min: u32 = 0;
    if (c >= 0xc2 && c <= 0xdf) { need = 1; cp = c & 0x1f; min = 0x80; }
    else if ((c & 0xf0) == 0xe0) { need = 2; cp = c & 0x0f; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { need = 3; cp = c & 0x07; min = 0x10000; }
    else return false;
    if (n - i <= need) return false;
    for (let k = 1; k <= need; k++) {
      const cc = <u32>load<u8>(p + <usize>(i + k));
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += need + 1;
  }
  return true;
}

/** The members of a decoded JWT segment that is a JSON object in UTF-8, or null. */
function jsonObject(b: Uint8Array): Member[] | null {
  return isUtf8(b) ? objectMembers(b) : null;
}

// Set by the member readers below when a claim has the wrong type; a plain flag
// (not an allocation) is safe to keep in a global across the arena reset.
let bad = false;

/** The string value of member `key`: null if absent; `bad` set if present but not a string. */
function stringMember(b: Uint8Array, ms: Member[], key: string): string | null {
  const m = lastMember(b, ms, key);
  if (m === null) return null;
  const s = kindOf(b, m.value) == 0x22 ? decodeString(b, m.value) : null;
  if (s === null) bad = true;
  return s;
}

/** The number value of member `key`: NaN if absent; `bad` set if present but not a number. */
function numberMember(b: Uint8Array, ms: Member[], key: string): f64 {
  const m = lastMember(b, ms, key);
  if (m === null) return NaN;
  const n = parseNumber(b, m.value);
  if (isNaN(n)) bad = true;
  return n;
}

/** Whether `aud` (a string or an array of strings) names `want`. */
function audienceHas(b: Uint8Array, aud: Span, want: string): bool {
  const kind = kindOf(b, aud);
  if (kind == 0x22) {
    const s = decodeString(b, aud);
    return s !== null && s == want;
  }
  if (kind != 0x5b) return false;
  let i = skipWs(b, aud.start + 1);
  if (i >= aud.end || b[i] == 0x5d) return false;
  while (i < aud.end) {
    const v = valueSpan(b, i);
    if (v === null) return false;
    if (kindOf(b, v) == 0x22) {
      const s = decodeString(b, v);
      if (s !== null && s == want) return true;
    }
    i = skipWs(b, v.end);
    if (i >= aud.end || b[i] != 0x2c) return false;
    i++;
  }
  return false;
}

/** The first `c` among the `n` bytes at `p` at or after `from`, or -1. */
function indexOfByte(p: usize, n: i32, c: u8, from: i32): i32 {
  for (let i = from; i < n; i++) if (load<u8>(p + <usize>i) == c) return i;
  return -1;
}

/**
 * Check a compact JWS, the `n` bytes at `p` (a header value, read where the host put it:
 * no string, and the signing input is hashed in place); null if it is valid (and
 * `x-auth-subject` set), else the reason.
 */
function verifyJwt(p: usize, n: i32, req: Request): string | null {
  const d1 = indexOfByte(p, n, 0x2e, 0);
  const d2 = d1 < 0 ? -1 : indexOfByte(p, n, 0x2e, d1 + 1);
  if (d2 < 0 || indexOfByte(p, n, 0x2e, d2 + 1) >= 0) return MALFORMED;

  const header = base64UrlDecodeRaw(p, d1);
  if (header === null) return MALFORMED;
  const hm = jsonObject(header);
  if (hm === null) return MALFORMED;
  bad = false;
  const alg = stringMember(header, hm, "alg");
  if (bad || alg === null) return MALFORMED;
  if (alg != "HS256") return UNSUPPORTED_ALG;
  const typ = stringMember(header, hm, "typ");
  if (bad || (typ !== null && !equalsIgnoreCase(typ, "JWT"))) return MALFORMED;
  // RFC 7515 §4.1.11: extensions marked critical must be understood; we know none.
  if (lastMember(header, hm, "crit") !== null) return MALFORMED;

  const claims = base64UrlDecodeRaw(p + <usize>(d1 + 1), d2 - d1 - 1);
  const sig = base64UrlDecodeRaw(p + <usize>(d2 + 1), n - d2 - 1);
  if (claims === null || sig === null) return MALFORMED;
  if (sig.length != 32) return BAD_SIGNATURE;
  // Everything before the second dot is base64url (checked above): the signing input as it is.
  let signed = false;
  for (let i = 0; i < keys.length && !signed; i++) signed = constantTimeEqual(keys[i].reset().updateRaw(p, d2).digest(), sig);
  if (!signed) return BAD_SIGNATURE;
  // Only a signed payload is parsed.
  const cm = jsonObject(claims);
  if (cm === null) return MALFORMED;
  bad = false;
  const now = <f64>nowMs() / 1000.0;
  const exp = numberMember(claims, cm, "exp");
  const nbf = numberMember(claims, cm, "nbf");
  const sub = stringMember(claims, cm, "sub");
  if (bad) return MALFORMED;
  if (!isNaN(exp) && now >= exp + skewSec) return EXPIRED;
  if (!isNaN(nbf) && now + skewSec < nbf) return NOT_YET_VALID;
  const iss = issuer;
  if (iss !== null) {
    const got = stringMember(claims, cm, "iss");
    if (got === null || got != iss) return ISSUER_MISMATCH;
  }
  const want = audience;
  if (want !== null) {
    const aud = lastMember(claims, cm, "aud");
    if (aud === null || !audienceHas(claims, aud.value, want)) return AUDIENCE_MISMATCH;
  }
  if (sub !== null) {
    // A header value cannot carry controls; refusing beats passing a mangled identity.
    if (!isPlainAscii(sub, false)) return MALFORMED;
    req.headers.append(SUBJECT_HEADER, sub);
  }
  return null;
}

// The token of a `Bearer` credential (RFC 6750 §2.1) found by `bearerAt`: [tokenStart, tokenEnd).
let tokenStart = 0;
let tokenEnd = 0;

/** Whether the `len` bytes at `p` are a `Bearer` credential (its token, "" if empty, in tokenStart/tokenEnd). */
function bearerAt(p: usize, len: i32): bool {
  if (len < 6) return false;
  // "bearer" in any case: | 0x20 lower-cases a letter, and no other byte maps onto these.
  for (let k = 0; k < 6; k++) if ((<i32>load<u8>(p + <usize>k) | 0x20) != "bearer".charCodeAt(k)) return false;
  if (len == 6) {
    tokenStart = tokenEnd = 6;
    return true;
  }
  if (load<u8>(p + 6) != 0x20) return false;
  let s = 7;
  while (s < len && load<u8>(p + <usize>s) == 0x20) s++;
  let e = len;
  while (e > s && (load<u8>(p + <usize>(e - 1)) == 0x20 || load<u8>(p + <usize>(e - 1)) == 0x09)) e--;
  tokenStart = s;
  tokenEnd = e;
  return true;
}

function apiKeyKnown(value: string): bool {
  const d = sha256(utf8(value));
  let ok = false;
  // No early exit: the time taken does not depend on which key matched.
  for (let i = 0; i < apiKeyDigests.length; i++) ok = constantTimeEqual(d, apiKeyDigests[i]) || ok;
  return ok;
}

function deny(reason: string, presented: bool): Action {
  let challenge = "Bearer realm=\"" + realm + "\"";
  // RFC 6750 §3.1: no error code when the request carried no credentials at all.
  if (presented) challenge += ", error=\"invalid_token\", error_description=\"" + reason + "\"";
  const resp = Response.json(401, "{\"error\":\"invalid_token\",\"error_description\":\"" + reason + "\"}");
  resp.headers.append("www-authenticate", challenge);
  return Action.respond(resp);
}

export function onRequest(req: Request): Action {
  req.headers.delete(SUBJECT_HEADER);
  let failure: string | null = null;
  if (keys.length > 0) {
    const h = req.headers;
    const at = h.indexOf("authorization");
    if (at >= 0 && h.indexOf("authorization", at + 1) >= 0) {
      failure = MALFORMED; // which one would a later hop read? refuse to guess
    } else if (at >= 0) {
      const p = h.valuePtr(at);
      if (bearerAt(p, h.valueLength(at))) {
        failure = verifyJwt(p + <usize>tokenStart, tokenEnd - tokenStart, req);
        if (failure === null) return Action.next(req);
      }
    }
  }
  if (apiKeyDigests.length > 0) {
    const values = req.headers.getAll(apiKeyHeader);
    if (values.length == 1 && apiKeyKnown(values[0])) return Action.next(req);
    if (values.length > 0 && failure === null) failure = INVALID_API_KEY;
  }
  if (failure === null) return deny(MISSING, false);
  return deny(failure, true);
}
