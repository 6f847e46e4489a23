import type { HeaderList, WitResponse } from './types.js';

/**
 * HTTP syntax every layer checks against, written once: what a token and a field value
 * are, which fields frame a message or concern one connection only, and how witline puts
 * a response's headers on the wire. (undici keeps the same knowledge in its
 * lib/core/util.js and constants.js.)
 */

// RFC 9110 §5.6.2 token: methods and field names are made of these.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// The field-value characters Node itself accepts on the wire: tab, printable ASCII, obs-text.
const BAD_FIELD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/** A non-empty RFC 9110 token (a valid method or header name). */
export function isToken(s: string): boolean {
  return TOKEN.test(s);
}

/** A header value Node would write as is (no CR, LF, NUL or other control, nothing past Latin-1). */
export function isFieldValue(v: string): boolean {
  return !BAD_FIELD_VALUE.test(v);
}

/** A request target in absolute form (`http://host/path`): a proxy's, or a stage sending the request elsewhere. */
export function isAbsoluteForm(target: string): boolean {
  return /^https?:\/\//i.test(target);
}

/** Whether a request carries a body by its framing (RFC 9112 §6.3): a length or a transfer coding. */
export function hasBodyFraming(headers: { 'content-length'?: string; 'transfer-encoding'?: string }): boolean {
  return headers['content-length'] !== undefined || headers['transfer-encoding'] !== undefined;
}

/**
 * {@link hasBodyFraming}, read from a request's header pairs: unlike `req.headers`, this
 * does not make node:http build its header object (~1 µs a request), which witline never
 * reads otherwise.
 */
export function framed(headers: HeaderList): boolean {
  // 'content-length' and 'transfer-encoding' are 14 and 17 characters: most names skip the lower-casing.
  for (const [k] of headers) if ((k.length === 14 || k.length === 17) && BODY_FRAMING.has(k.toLowerCase())) return true;
  return false;
}

/** The first `content-length` of a request's header pairs, as node:http keeps it (it drops repeats). */
export function declaredLength(headers: HeaderList): string | undefined {
  for (const [k, v] of headers) if (k.length === 14 && k.toLowerCase() === 'content-length') return v;
  return undefined;
}

/** The fields that frame a body on HTTP/1.1: whoever writes the body sets them. */
export const BODY_FRAMING: ReadonlySet<string> = new Set(['content-length', 'transfer-encoding']);

/** What the host sets itself on a response it writes: the body's framing and the connection's. */
export const FRAMING: ReadonlySet<string> = new Set([...BODY_FRAMING, 'connection', 'keep-alive']);

/** {@link FRAMING} less `content-length`: a body streamed on from upstream keeps the length it announced. */
export const STREAM_FRAMING: ReadonlySet<string> = new Set([...FRAMING].filter((k) => k !== 'content-length'));

/** RFC 9110 §7.6.1 connection-specific fields: they are for one hop, never forwarded. */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * What undici refuses in a request's headers: it frames the body itself, and keep-alive
 * and upgrades are its own business (a `connection` header it takes, and acts on).
 */
export const CLIENT_FRAMING: ReadonlySet<string> = new Set([...BODY_FRAMING, 'keep-alive', 'upgrade']);

/** The headers without the hop-by-hop ones, and without any field a `connection` header names. */
export function stripHopByHop(headers: HeaderList): HeaderList {
  const named = new Set<string>();
  for (const [k, v] of headers) if (k.toLowerCase() === 'connection') for (const t of v.split(',')) named.add(t.trim().toLowerCase());
  return headers.filter(([k]) => {
    const l = k.toLowerCase();
    return !HOP_BY_HOP.has(l) && !named.has(l);
  });
}

/** Header pairs from Node's flat `rawHeaders`, in wire order and case. */
export function rawPairs(raw: readonly string[]): HeaderList {
  const out: HeaderList = [];
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i], raw[i + 1]]);
  return out;
}

/** Headers as witline writes them: the host owns framing, so the body length is authoritative. */
export function wireHeaders(resp: WitResponse): Array<[string, string]> {
  const flat = wireHeadersFlat(resp);
  const out: Array<[string, string]> = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

/**
 * Whether `k` names a {@link FRAMING} field, any case. The framing names are 10, 14 and 17
 * characters long and begin with c, t or k: most names are told apart by length and first
 * letter, without lower-casing them.
 */
function isFramingName(k: string): boolean {
  const n = k.length;
  if (n !== 10 && n !== 14 && n !== 17) return false;
  const c = k.charCodeAt(0) | 0x20;
  return (c === 0x63 /* c */ || c === 0x74 /* t */ || c === 0x6b) /* k */ && FRAMING.has(k.toLowerCase());
}

/** {@link wireHeaders} as the flat name, value, name, value ... list `res.writeHead` takes without copying. */
export function wireHeadersFlat(resp: WitResponse): string[] {
  const out: string[] = [];
  const headers = resp.headers;
  for (let i = 0; i < headers.length; i++) {
    const [k, v] = headers[i];
    if (isFramingName(k)) continue;
    out.push(k, v);
  }
  if (resp.status !== 204 && resp.status !== 304) out.push('content-length', String(resp.body.byteLength));
  return out;
}

/**
 * What an adapter's terminal reports when the host framework (Express's later handlers,
 * the network through undici) answered the caller itself: never written, only passed through.
 */
export const HANDED_OFF: WitResponse = Object.freeze({ status: 200, headers: [], body: new Uint8Array(0) }) as WitResponse;

/** Largest response body held in memory for a response phase, unless configured: 16 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
