import type { IncomingMessage } from 'node:http';
import { BodyConsumedError, BodyTooLargeError } from '../core/errors.js';
import { BODY_FRAMING, hasBodyFraming } from '../core/http.js';
import { checkBodySize, type Limits } from '../core/limits.js';
import type { HeaderList, WitRequest } from '../core/types.js';
import { replaceFields } from './incoming-fields.js';

const EMPTY = new Uint8Array(0);

/**
 * Read the whole body, then put it back into the request stream before `'end'` can fire,
 * so that the handlers after the pipeline (`express.json()`, `express.raw()`, ...) still
 * read a body through the ordinary stream API. It is read in paused mode (`read()`), and
 * the bytes are `unshift`ed in the same tick as the last read: a stream whose buffer is
 * not empty does not emit `'end'`, whatever has arrived. No stream internals are touched.
 *
 * Resolves to `undefined` for a request without a body by its framing; such a request's
 * stream is left alone (Node ends it only once someone reads it).
 */
export function takeBody(req: IncomingMessage, limits: Limits): Promise<Uint8Array | undefined> {
  const declared = req.headers['content-length'];
  if (!hasBodyFraming(req.headers)) return Promise.resolve(undefined);
  // An earlier middleware (a body parser) already took the bytes: they cannot be had again.
  if (req.readableEnded || req.readableDidRead || req.readableFlowing) return Promise.reject(new BodyConsumedError());
  if (declared !== undefined) {
    checkBodySize(Number(declared), limits);
    // Nothing to read; reading would schedule 'end' and later parsers would see no body at all.
    if (Number(declared) === 0) return Promise.resolve(new Uint8Array(0));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('readable', onReadable);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onError = (err: Error) => {
      stop();
      reject(err);
    };
    const onClose = () => onError(new Error('the request closed before its body arrived'));
    // A body that ended with no bytes in the buffer (a chunked body of zero bytes) ends at once.
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    function onReadable() {
      let chunk: Buffer | null;
      while ((chunk = req.read() as Buffer | null) !== null) {
        size += chunk.length;
        if (size > limits.maxBodyBytes) {
          stop();
          reject(new BodyTooLargeError(limits.maxBodyBytes));
          return;
        }
        chunks.push(chunk);
      }
      // `complete` is set before the parser pushes the end of the body: everything is read.
      if (!req.complete) return;
      stop();
      const body = Buffer.concat(chunks, size);
      if (size > 0) req.unshift(body);
      resolve(body);
    }
    req.on('readable', onReadable);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** A field's values joined as `req.headers` joins them (`, `), or undefined when absent. */
export function joined(headers: HeaderList, name: string): string | undefined {
  let out: string | undefined;
  for (const [k, v] of headers) if (k.length === name.length && k.toLowerCase() === name) out = out === undefined ? v : `${out}, ${v}`;
  return out;
}

// Node's rules for repeated request fields (`IncomingMessage.headers`): these keep the
// first value, `set-cookie` is an array, `cookie` joins with '; ', the rest with ', '.
const FIRST_WINS = new Set([
  'age',
  'authorization',
  'content-length',
  'content-type',
  'etag',
  'expires',
  'from',
  'host',
  'if-modified-since',
  'if-unmodified-since',
  'last-modified',
  'location',
  'max-forwards',
  'proxy-authorization',
  'referer',
  'retry-after',
  'server',
  'user-agent',
]);

/** A request's header fields as node:http gives them beside `rawHeaders`. */
export interface ParsedFields {
  headers: Record<string, string | string[]>;
  distinct: Record<string, string[]>;
}

/**
 * The header fields of the request the pipeline passed on, flat as `rawHeaders` is. The
 * body's framing is the host's: `transfer-encoding` is dropped and `content-length` is the
 * new body's size, so downstream parsers read exactly the new bytes.
 */
export function rawFields(next: WitRequest): string[] {
  const raw: string[] = [];
  for (const [name, value] of next.headers) if (!BODY_FRAMING.has(name.toLowerCase())) raw.push(name, value);
  if (next.body !== undefined) raw.push('content-length', String(next.body.byteLength));
  return raw;
}

/**
 * `headers` and `headersDistinct` of `raw`, by Node's rules, made here in one pass: only
 * where node:http cannot be left to make them itself (incoming-fields.ts).
 */
export function parsedFields(raw: readonly string[]): ParsedFields {
  const headers: Record<string, string | string[]> = {};
  const distinct: Record<string, string[]> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const k = raw[i].toLowerCase();
    const value = raw[i + 1];
    const prev = headers[k];
    if (prev === undefined) {
      headers[k] = k === 'set-cookie' ? [value] : value;
      distinct[k] = [value];
      continue;
    }
    distinct[k].push(value);
    if (k === 'set-cookie') (prev as string[]).push(value);
    else if (!FIRST_WINS.has(k)) headers[k] = `${prev as string}${k === 'cookie' ? '; ' : ', '}${value}`;
  }
  return { headers, distinct };
}

/**
 * Whether the stages passed `next` on exactly as `came` entered: then the Express request
 * can stay as Node and Express made it (its lazily built `headers`, its stream, its
 * framing), which is what the handlers after the pipeline would have seen without it.
 */
export function sameRequest(next: WitRequest, came: WitRequest): boolean {
  if (next === came) return true;
  if (next.method !== came.method || next.uri !== came.uri) return false;
  if (next.body === undefined || came.body === undefined ? next.body !== came.body : !sameBytes(next.body, came.body)) return false;
  const a = next.headers;
  const b = came.headers;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i][0] !== b[i][0] || a[i][1] !== b[i][1]) return false;
  return true;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.byteLength !== b.byteLength) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/**
 * Make the Express request what the pipeline passed on: method, url (relative to where
 * the middleware is mounted, as `req.url` is), the header fields of {@link rawFields},
 * and body. A body the stages left as it was stays buffered in the stream as it is.
 *
 * `had` is what {@link takeBody} returned: those bytes are still buffered in the stream.
 */
export function applyRequest(req: IncomingMessage, had: Uint8Array | undefined, next: WitRequest): void {
  const nextBody = next.body ?? EMPTY;
  const hadBytes = had ?? EMPTY;
  if ((hadBytes.byteLength > 0 || nextBody.byteLength > 0) && !sameBytes(hadBytes, nextBody)) {
    // unshift after 'end' would destroy the stream; someone downstream of us cannot have
    // read it yet, so this only happens when the stream was already ended by an earlier reader.
    if (req.readableEnded) throw new BodyConsumedError();
    if (hadBytes.byteLength > 0) req.read(); // drop the original bytes...
    if (nextBody.byteLength > 0) req.unshift(Buffer.from(nextBody.buffer, nextBody.byteOffset, nextBody.byteLength)); // ...for these
  }
  // Unchanged ones not written again: each write to Express's dictionary-mode request is a hash-table store.
  if (req.method !== next.method) req.method = next.method;
  if (req.url !== next.uri) req.url = next.uri;
  const raw = rawFields(next);
  if (replaceFields(req, raw)) return;
  const { headers, distinct } = parsedFields(raw);
  req.rawHeaders = raw;
  req.headers = headers;
  req.headersDistinct = distinct;
}
