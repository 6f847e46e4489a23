// rate-limit: a token bucket per client. Each bucket holds up to `burst` tokens and
// refills at `per-second`; a request takes one token or is answered 429.
//
// The guest heap is rewound after every call and instances are shared by concurrent
// requests, so buckets live only in the host kv store, under `prefix + client key`,
// as 16 bytes little-endian: tokens in micro-tokens (i64) and the refill time in ms
// (u64). Fixed point keeps fractional rates exact enough (rounding to the nearest
// micro-token, so `1/3` per second yields a token at 3000 ms, not 3001) and makes
// compare-and-swap compare exact bytes.
//
// Only allowed requests write (and a denied one after the clock was set far back). A
// denied request changes nothing, so a client hammering a slow bucket does not push
// its refill time forward and lose the fraction of a token that had accrued. An entry
// expires once its bucket would be full again, and an absent entry reads as a full
// bucket, so idle keys cost nothing.
//
// The request phase cannot touch the response, and passing anything to the response
// phase in a request header would leak it upstream; so `onResponse` reads the bucket
// again (taking nothing) to write the RateLimit-* headers of allowed requests. It
// reports the bucket at response time: other requests may have taken tokens meanwhile.
//
// Nothing here traps on client input: bad stored bytes read as a full bucket and are
// overwritten, and every duration is clamped before it becomes an integer.
import { Action, Config, HeaderName, Request, Response, kv, nowMs, remoteAddress, utf8 } from "../sdk";
import { Span, parseNumber } from "../sdk/json";
import { sha256 } from "../sdk/sha256";
import { decimal, isDigits, isToken } from "../sdk/text";

const MICRO: i64 = 1_000_000;
const MAX_BURST: i64 = 1_000_000_000;
// Durations past 2^53 ms (285,000 years) are clamped: the host's limit for TTLs too.
const MAX_MS: f64 = 9007199254740991;
// Kept a little past the moment the bucket is full again, so clock skew between
// writers cannot drop a bucket that still matters.
const TTL_MARGIN_MS: f64 = 1000;
// Compare-and-swap only loses when another process shares the store; past this many
// losses in a row the request is denied (fail closed: a limiter must not fail open).
const CAS_ATTEMPTS = 8;
// Longer client keys are stored by digest, so a client cannot make the store hold
// header values of many kilobytes each.
const MAX_RAW_KEY = 64;

// Settings, parsed in `configure`: they sit below the arena mark and survive requests.
let capacity: i64 = 0; // micro-tokens
let ratePerMs: f64 = 0; // micro-tokens per ms
let keyHeader: string | null = null;
// What every request writes, as UTF-8 bytes once (configure's allocations outlive requests).
let prefixBytes = utf8("rl:");
let burstBytes = new ArrayBuffer(0);
let policyBytes = new ArrayBuffer(0);
const LIMIT = new HeaderName("RateLimit-Limit");
const REMAINING = new HeaderName("RateLimit-Remaining");
const RESET = new HeaderName("RateLimit-Reset");
const POLICY = new HeaderName("RateLimit-Policy");

/** Whole seconds covering `ms`, clamped, as the integer text a header carries. */
function seconds(ms: f64): i64 {
  return <i64>Math.ceil(Math.min(ms, MAX_MS) / 1000);
}

export function configure(config: Config): string | null {
  let seen = "|";
  let perSecond: f64 = 0;
  let burstText = "";
  for (let i = 0; i < config.keys.length; i++) {
    const k = config.keys[i];
    const v = config.values[i];
    if (seen.includes("|" + k + "|")) return "rate-limit: '" + k + "' given more than once";
    seen += k + "|";
    if (k == "burst") {
      // At most 10 digits so the value fits before the range check.
      if (!isDigits(v) || v.length > 10) return "rate-limit: 'burst' must be an integer from 1 to 1000000000";
      const n = I64.parseInt(v);
      if (n < 1 || n > MAX_BURST) return "rate-limit: 'burst' must be an integer from 1 to 1000000000";
      capacity = n * MICRO;
      burstText = n.toString();
    } else if (k == "per-second") {
      const b = utf8(v);
      perSecond = parseNumber(b, new Span(0, b.length));
      if (!(perSecond > 0) || !isFinite(perSecond)) return "rate-limit: 'per-second' must be a number > 0";
    } else if (k == "key-header") {
      if (!isToken(v)) return "rate-limit: 'key-header' must be a header name";
      keyHeader = v;
    } else if (k == "prefix") {
      if (v.length == 0) return "rate-limit: 'prefix' must not be empty";
      prefixBytes = utf8(v);
    } else {
      return "rate-limit: unknown setting '" + k + "'";
    }
  }
  if (capacity == 0) return "rate-limit: 'burst' is required";
  if (perSecond == 0) return "rate-limit: 'per-second' is required";
  ratePerMs = perSecond * 1000;
  burstBytes = String.UTF8.encode(burstText);
  policyBytes = String.UTF8.encode(burstText + ";w=" + seconds(msFor(capacity)).toString());
  return null;
}

/**
 * The bucket's kv key, as UTF-8 bytes: `prefix`, a tag, then the id. Header values and
 * addresses get distinct tags so that a client cannot drain another client's address
 * bucket by sending that address as its key. A header value is copied from where the host
 * put it, never decoded; an id longer than MAX_RAW_KEY characters is stored by digest.
 */
function bucketKey(req: Request): Uint8Array {
  const name = keyHeader;
  if (name !== null) {
    const h = req.headers;
    const i = h.indexOf(name);
    if (i >= 0 && h.valueLength(i) > 0) return keyOf(0x68 /* h */, h.valuePtr(i), h.valueLength(i));
  }
  const addr = utf8(remoteAddress());
  return keyOf(0x61 /* a */, addr.dataStart, addr.length);
}

/** UTF-16 length of the valid UTF-8 at `p` (what `String#length` of it would be). */
function utf16Length(p: usize, n: i32): i32 {
  let units = 0;
  for (let i = 0; i < n; i++) {
    const c = <u32>load<u8>(p + <usize>i);
    if ((c & 0xc0) != 0x80) units += c >= 0xf0 ? 2 : 1;
  }
  return units;
}

function keyOf(tag: u8, p: usize, n: i32): Uint8Array {
  const pre = prefixBytes;
  const digest = n > MAX_RAW_KEY && utf16Length(p, n) > MAX_RAW_KEY;
  const out = new Uint8Array(pre.length + 2 + (digest ? 64 : n));
  const o = out.dataStart;
  memory.copy(o, pre.dataStart, <usize>pre.length);
  let at = o + <usize>pre.length;
  store<u8>(at, tag);
  store<u8>(at, digest ? 0x23 /* # */ : 0x3a /* : */, 1);
  at += 2;
  if (!digest) {
    memory.copy(at, p, <usize>n);
    return out;
  }
  const id = new Uint8Array(n);
  memory.copy(id.dataStart, p, <usize>n);
  const d = sha256(id);
  const HEX = "0123456789abcdef";
  for (let i = 0; i < 32; i++) {
    store<u8>(at + <usize>(2 * i), <u8>HEX.charCodeAt(d[i] >> 4));
    store<u8>(at + <usize>(2 * i + 1), <u8>HEX.charCodeAt(d[i] & 15));
  }
  return out;
}

/** A bucket as read at `now`, refilled; `last` is the refill time to store. */
class Bucket {
  constructor(public tokens: i64, public last: u64, public rebased: bool = false) {}
}

function read(stored: Uint8Array | null, now: u64): Bucket {
  // Absent, or bytes this version did not write: a full bucket.
  if (stored === null || stored.length != 16) return new Bucket(capacity, now);
  let tokens = load<i64>(stored.dataStart);
  const last = load<u64>(stored.dataStart, 8);
  // Another stage with the same prefix and a smaller burst may have written it.
  if (tokens < 0) tokens = 0;
  if (tokens > capacity) tokens = capacity;
  // A clock behind the stored time refills nothing. The later time is kept, so two
  // writers with slightly skewed clocks cannot each count the gap as refill; but not
  // past a full refill, so a clock set back for good cannot freeze the bucket.
  if (now <= last) return <f64>(last - now) <= msFor(capacity) ? new Bucket(tokens, last) : new Bucket(tokens, now, true);
  const refill = Math.floor(<f64>(now - last) * ratePerMs + 0.5);
  const room = capacity - tokens;
  return new Bucket(refill >= <f64>room ? capacity : tokens + <i64>refill, now);
}

function encode(b: Bucket): Uint8Array {
  const out = new Uint8Array(16);
  store<i64>(out.dataStart, b.tokens);
  store<u64>(out.dataStart, b.last, 8);
  return out;
}

/**
 * Milliseconds until the bucket holds `micro` more micro-tokens, clamped: the first
 * whole ms at which `read`'s rounded refill reaches it, so that a client retrying
 * exactly then is let through.
 */
function msFor(micro: i64): f64 {
  if (micro <= 0) return 0;
  return Math.min(Math.ceil((<f64>micro - 0.5) / ratePerMs), MAX_MS);
}

/** Seconds until the next whole token at `now`; 0 when the bucket is full. */
function resetSeconds(b: Bucket, now: u64): i64 {
  if (b.tokens >= capacity) return 0;
  // A refill time ahead of `now` (kept from a writer with a faster clock) is waited out first.
  const ahead: f64 = b.last > now ? <f64>(b.last - now) : 0;
  const s = seconds(ahead + msFor(MICRO - b.tokens % MICRO));
  return s < 1 ? 1 : s;
}

/** Until the bucket would be full again: an absent entry reads as a full bucket. */
function ttlFor(b: Bucket): u64 {
  return <u64>(msFor(capacity - b.tokens) + TTL_MARGIN_MS);
}

function limitHeaders(resp: Response, remaining: i64, reset: i64): void {
  const h = resp.headers;
  h.put(LIMIT, burstBytes);
  h.put(REMAINING, decimal(remaining));
  h.put(RESET, decimal(reset));
  h.put(POLICY, policyBytes);
}

function tooMany(wait: i64): Action {
  const resp = Response.json(429, '{"error":"rate_limited","retry_after":' + wait.toString() + "}");
  resp.headers.append("Retry-After", wait.toString());
  limitHeaders(resp, 0, wait);
  return Action.respond(resp);
}

export function onRequest(req: Request): Action {
  const key = bucketKey(req);
  const now = nowMs();
  for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
    const stored = kv.getKey(key);
    const b = read(stored, now);
    if (b.tokens < MICRO) {
      // The one denial that writes: else the bucket would stay rebased only in memory.
      if (b.rebased) kv.compareAndSwapKey(key, stored, encode(b), ttlFor(b));
      // Below one token, the next token is also the next moment a request may pass.
      return tooMany(resetSeconds(b, now));
    }
    b.tokens -= MICRO;
    if (kv.compareAndSwapKey(key, stored, encode(b), ttlFor(b))) return Action.next(req);
  }
  // Contention is not the client's doing: it is told to come back soon.
  return tooMany(1);
}

/** The integer value of a header, or -1 if absent or not a plain integer. */
function intHeader(resp: Response, name: string): i64 {
  const v = resp.headers.get(name);
  if (v === null || !isDigits(v) || v.length > 18) return -1;
  return I64.parseInt(v);
}

export function onResponse(req: Request, resp: Response): Response {
  const now = nowMs();
  const b = read(kv.getKey(bucketKey(req)), now);
  const remaining = b.tokens / MICRO;
  // With several limits (another rate-limit stage further in, or the upstream's own),
  // the client is shown the tightest: a 429 from further in keeps `Remaining: 0`.
  const inner = intHeader(resp, "RateLimit-Remaining");
  if (inner >= 0 && inner <= remaining) return resp;
  limitHeaders(resp, remaining, resetSeconds(b, now));
  return resp;
}
