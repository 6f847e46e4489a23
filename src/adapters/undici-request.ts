import { stringify } from 'node:querystring';
import type { Dispatcher } from 'undici';
import { BadRequestError, BodyTooLargeError } from '../core/errors.js';
import { CLIENT_FRAMING, isAbsoluteForm } from '../core/http.js';
import { checkBodySize, checkHead, type Limits } from '../core/limits.js';
import type { HeaderList, WitRequest } from '../core/types.js';

const has = (headers: HeaderList, name: string) => headers.some(([k]) => k.toLowerCase() === name);

/** undici's header forms (flat array, pairs, record, iterable) as pairs; array values repeat. */
function pairsOf(headers: Dispatcher.DispatchOptions['headers']): HeaderList {
  const out: HeaderList = [];
  const add = (k: unknown, v: unknown) => {
    if (v === undefined || v === null) return;
    for (const one of Array.isArray(v) ? v : [v]) out.push([String(k), String(one)]);
  };
  if (!headers) return out;
  if (Array.isArray(headers) && (headers.length === 0 || !Array.isArray(headers[0]))) {
    for (let i = 0; i < headers.length; i += 2) add(headers[i], headers[i + 1]);
  } else if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function') {
    for (const [k, v] of headers as Iterable<[string, unknown]>) add(k, v);
  } else {
    for (const [k, v] of Object.entries(headers)) add(k, v);
  }
  return out;
}

function chunkBytes(chunk: unknown): Uint8Array {
  if (typeof chunk === 'string') return Buffer.from(chunk);
  if (chunk instanceof Uint8Array) return chunk;
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  throw new BadRequestError(`a request body chunk must be a string or bytes, got ${typeof chunk}`);
}

/**
 * The body as bytes: stages see whole bodies. Strings and bytes are taken as they are;
 * a Blob is read; an iterable or async iterable (a Readable stream is one) is read to its
 * end, refused past `limits.maxBodyBytes` (the stream is then destroyed). FormData is
 * refused: undici would pick its multipart boundary only later.
 */
async function bodyBytes(body: unknown, limits: Limits): Promise<Uint8Array | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || ArrayBuffer.isView(body) || body instanceof ArrayBuffer) return chunkBytes(body);
  if (typeof FormData !== 'undefined' && body instanceof FormData) {
    throw new BadRequestError('a FormData body cannot go through the pipeline: give a string, bytes, a Blob or a stream');
  }
  if (typeof Blob !== 'undefined' && body instanceof Blob) return new Uint8Array(await body.arrayBuffer());
  const iterable = body as AsyncIterable<unknown> & Iterable<unknown>;
  if (typeof iterable[Symbol.asyncIterator] !== 'function' && typeof iterable[Symbol.iterator] !== 'function') {
    throw new BadRequestError('the request body must be a string, bytes, a Blob, an iterable or a stream');
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of iterable) {
    const b = chunkBytes(chunk);
    size += b.byteLength;
    // Throwing out of the loop returns the iterator, which destroys a stream.
    if (size > limits.maxBodyBytes) throw new BodyTooLargeError(limits.maxBodyBytes);
    chunks.push(b);
  }
  return Buffer.concat(chunks, size);
}

/**
 * The outgoing request as stages see it: method, path with the `query` option folded in,
 * the headers given plus `host` (from the origin) and `content-length` (from the body)
 * when not given, as a server would receive them; and the body, whole. Limits apply as
 * on witline's edge.
 */
export async function outgoingRequest(opts: Dispatcher.DispatchOptions, limits: Limits): Promise<WitRequest> {
  const method = String(opts.method ?? 'GET').toUpperCase();
  let uri = opts.path || '/';
  const query = opts.query ? stringify(opts.query) : '';
  if (query) uri += (uri.includes('?') ? '&' : '?') + query;
  const headers = pairsOf(opts.headers);
  if (!has(headers, 'host') && opts.origin) headers.unshift(['host', new URL(String(opts.origin)).host]);
  checkHead(method, uri, headers, limits);
  const body = await bodyBytes(opts.body, limits);
  if (body) {
    checkBodySize(body.byteLength, limits);
    if (!has(headers, 'content-length')) headers.push(['content-length', String(body.byteLength)]);
  }
  return { method, uri, headers, body };
}

/**
 * The dispatch options for what the stages passed on. A stage may turn the target into an
 * absolute URL to send the request elsewhere (an Agent follows the origin; a Pool or a
 * Client has only its own).
 */
export function forwardOptions(opts: Dispatcher.DispatchOptions, req: WitRequest): Dispatcher.DispatchOptions {
  let origin = opts.origin;
  let path = req.uri;
  if (isAbsoluteForm(path)) {
    const url = new URL(path);
    origin = url.origin;
    path = url.pathname + url.search;
  }
  const headers = req.headers.filter(([k]) => !CLIENT_FRAMING.has(k.toLowerCase())).flat();
  const body = req.body ? Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength) : null;
  return { ...opts, origin, path, method: req.method as Dispatcher.HttpMethod, headers, body, query: undefined };
}
