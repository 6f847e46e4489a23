// signature: admits a request whose body carries a valid HMAC-SHA256 signature, as
// webhook senders sign them, and answers 401 otherwise. Two styles:
//
//   github (default)  `X-Hub-Signature-256: sha256=<hex>`, the MAC of the raw body;
//                     header, prefix and encoding (hex or base64) are settings.
//   stripe            `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]`, the
//                     MAC of `<t>.<body>`; other elements (v0, ...) are ignored. The
//                     timestamp must be within `tolerance-sec` of the host clock, so a
//                     captured request cannot be replayed later.
//
// Several secrets may be configured (rotation): any of them may have signed. MACs are
// compared in constant time, and every candidate is compared with every secret's MAC
// with no early exit, so timing reveals neither which secret nor how much matched.
// The request goes on unchanged. Hashing the whole body is what makes this stage
// CPU-heavy for large bodies: it is the natural stage to put on a worker pool.
//
// Nothing about the client input traps: decoders return null and every failure is a
// 401 with a reason.
import { Action, Config, Request, Response, nowMs, utf8 } from "../sdk";
import { base64Decode } from "../sdk/base64";
import { HmacSha256, SHA256_BYTES, constantTimeEqual } from "../sdk/sha256";
import { isDigits, isToken } from "../sdk/text";

const MISSING = "missing signature";
const MALFORMED = "malformed signature";
const BAD_SIGNATURE = "bad signature";
const STALE = "timestamp outside tolerance";

// Settings, built in `configure`: they sit below the arena mark and survive requests.
const keys: HmacSha256[] = [];
let stripe = false;
let header = "";
let prefix: string | null = null;
let base64 = false;
let toleranceSec: i64 = 300;
const EMPTY = new Uint8Array(0);



export function configure(config: Config): string | null {
  let seen = "|";
  for (let i = 0; i < config.keys.length; i++) {
    const k = config.keys[i];
    const v = config.values[i];
    if (k == "secret" || k == "secret-base64") {
      const key = k == "secret" ? utf8(v) : base64Decode(v);
      if (key === null) return "signature: 'secret-base64' is not valid base64";
      if (key.length == 0) return "signature: a secret must not be empty";
      keys.push(new HmacSha256(key));
      continue;
    }
    // The remaining settings are single-valued: a repeat is a mistake, not an override.
    if (seen.includes("|" + k + "|")) return "signature: '" + k + "' given more than once";
    seen += k + "|";
    if (k == "style") {
      if (v != "github" && v != "stripe") return "signature: 'style' must be 'github' or 'stripe'";
      stripe = v == "stripe";
    } else if (k == "header") {
      if (!isToken(v)) return "signature: 'header' must be a header name";
      header = v;
    } else if (k == "prefix") {
      for (let j = 0; j < v.length; j++) {
        const c = v.charCodeAt(j);
        if (c < 0x21 || c > 0x7e) return "signature: 'prefix' must be printable ASCII without spaces";
      }
      prefix = v;
    } else if (k == "encoding") {
      if (v != "hex" && v != "base64") return "signature: 'encoding' must be 'hex' or 'base64'";
      base64 = v == "base64";
    } else if (k == "tolerance-sec") {
      if (!isDigits(v) || v.length > 9 || I64.parseInt(v) < 1) return "signature: 'tolerance-sec' must be an integer from 1 to 999999999";
      toleranceSec = I64.parseInt(v);
    } else {
      return "signature: unknown setting '" + k + "'";
    }
  }
  if (keys.length == 0) return "signature: needs a 'secret'";
  if (stripe && prefix !== null) return "signature: 'prefix' applies to the github style only";
  if (!stripe && seen.includes("|tolerance-sec|")) return "signature: 'tolerance-sec' applies to the stripe style only";
  if (header.length == 0) header = stripe ? "stripe-signature" : "x-hub-signature-256";
  if (prefix === null) prefix = stripe ? "" : "sha256=";
  return null;
}

function hexNibble(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** Hex (either case) of `s[start, end)`; null if not hex or of odd length. */
function hexDecode(s: string, start: i32, end: i32): Uint8Array | null {
  const n = end - start;
  if (n < 0 || (n & 1) != 0) return null;
  const out = new Uint8Array(n >> 1);
  for (let i = 0; i < n; i += 2) {
    const hi = hexNibble(s.charCodeAt(start + i));
    const lo = hexNibble(s.charCodeAt(start + i + 1));
    if ((hi | lo) < 0) return null;
    unchecked(out[i >> 1] = <u8>((hi << 4) | lo));
  }
  return out;
}

function decodeSignature(s: string, start: i32, end: i32): Uint8Array | null {
  return base64 ? base64Decode(s, start, end) : hexDecode(s, start, end);
}

/** Whether any candidate equals any secret's MAC of `head` + `body`; no early exit. */
function anyMatch(candidates: Uint8Array[], head: Uint8Array, body: Uint8Array): bool {
  let ok = false;
  for (let i = 0; i < keys.length; i++) {
    const mac = keys[i].reset().update(head).update(body).digest();
    for (let j = 0; j < candidates.length; j++) ok = constantTimeEqual(mac, candidates[j]) || ok;
  }
  return ok;
}

function deny(reason: string): Action {
  return Action.respond(Response.json(401, "{\"error\":\"invalid_signature\",\"error_description\":\"" + reason + "\"}"));
}

/** `sha256=<sig>`: null if it verifies, else the reason. */
function verifyGithub(value: string, body: Uint8Array): string | null {
  const p = prefix!;
  if (!value.startsWith(p)) return MALFORMED;
  const sig = decodeSignature(value, p.length, value.length);
  if (sig === null) return MALFORMED;
  if (sig.length != SHA256_BYTES) return BAD_SIGNATURE;
  return anyMatch([sig], EMPTY, body) ? null : BAD_SIGNATURE;
}

/** `t=<unix>,v1=<sig>,...`: null if a v1 verifies and the timestamp is fresh, else the reason. */
function verifyStripe(value: string, body: Uint8Array): string | null {
  let t: string | null = null;
  const candidates: Uint8Array[] = [];
  let start = 0;
  while (start <= value.length) {
    let end = value.indexOf(",", start);
    if (end < 0) end = value.length;
    let s = start;
    let e = end;
    while (s < e && value.charCodeAt(s) == 0x20) s++;
    while (e > s && value.charCodeAt(e - 1) == 0x20) e--;
    const eq = value.indexOf("=", s);
    if (eq < 0 || eq >= e) return MALFORMED;
    const key = value.substring(s, eq);
    if (key == "t") {
      if (t !== null) return MALFORMED;
      t = value.substring(eq + 1, e);
    } else if (key == "v1") {
      const sig = decodeSignature(value, eq + 1, e);
      if (sig === null) return MALFORMED;
      if (sig.length == SHA256_BYTES) candidates.push(sig);
    }
    start = end + 1;
  }
  const ts = t;
  // At most 15 digits: exact as an f64, and far past any real clock.
  if (ts === null || !isDigits(ts) || ts.length > 15) return MALFORMED;
  if (candidates.length == 0) return BAD_SIGNATURE;
  if (!anyMatch(candidates, utf8(ts + "."), body)) return BAD_SIGNATURE;
  // Only a signed timestamp is checked against the clock.
  const skew = Math.abs(<f64>nowMs() / 1000.0 - F64.parseFloat(ts));
  return skew > <f64>toleranceSec ? STALE : null;
}

export function onRequest(req: Request): Action {
  const values = req.headers.getAll(header);
  if (values.length == 0) return deny(MISSING);
  // Which one would a later hop read? Refuse to guess.
  if (values.length > 1) return deny(MALFORMED);
  const b = req.body;
  const body = b === null ? EMPTY : b;
  const failure = stripe ? verifyStripe(values[0], body) : verifyGithub(values[0], body);
  return failure === null ? Action.next(req) : deny(failure);
}
