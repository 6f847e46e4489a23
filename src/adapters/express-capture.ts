import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { HeaderList, WitResponse } from '../core/types.js';

type Chunk = string | Uint8Array | null | undefined;
type Callback = (err?: Error | null) => void;

/** A response being held back: the body bytes so far, and who gets the whole response. */
interface Held {
  chunks: Buffer[];
  size: number;
  done: (resp: WitResponse) => void;
  /** What each taken method was as an own property of `res` before (an earlier wrapper), else undefined. */
  own: Array<Method | undefined>;
}

const kHeld = Symbol('witline.held');
type Holding = ServerResponse & { [kHeld]?: Held };
type Method = (this: Holding, ...args: unknown[]) => unknown;

function bytes(chunk: Chunk, encoding: unknown): Buffer | undefined {
  if (chunk === null || chunk === undefined) return undefined;
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function hold(held: Held, b: Buffer | undefined): void {
  if (!b || b.length === 0) return;
  held.chunks.push(b);
  held.size += b.length;
}

/** The response's current header store as pairs, with the case they were set with. */
export function headerPairs(res: ServerResponse): HeaderList {
  const out: HeaderList = [];
  // On every OutgoingMessage since Node 15; @types/node declares it on ClientRequest only.
  for (const name of (res as unknown as { getRawHeaderNames(): string[] }).getRawHeaderNames()) {
    const value = res.getHeader(name);
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const one of value) out.push([name, String(one)]);
    else out.push([name, String(value)]);
  }
  return out;
}

/** `writeHead`'s headers argument: an object, or pairs flat as `rawHeaders` are. */
function mergeHead(res: ServerResponse, headers: OutgoingHttpHeaders | readonly unknown[] | undefined): void {
  if (!headers) return;
  if (Array.isArray(headers)) {
    // As Node does: names given here replace earlier values, repeats in the array append.
    const flat = (headers as unknown[]).flat().map(String);
    for (let i = 0; i < flat.length; i += 2) res.removeHeader(flat[i]);
    for (let i = 0; i < flat.length; i += 2) res.appendHeader(flat[i], flat[i + 1]);
    return;
  }
  for (const [k, v] of Object.entries(headers as OutgoingHttpHeaders)) if (v !== undefined) res.setHeader(k, v);
}

// The taken methods are module-level functions that find the held response on `this`: a
// response costs no closures, and one that a later wrapper still calls after the capture
// ended (`const end = res.end; res.end = (...) => end.call(res, ...)`) reaches the real one.
function writeHead(this: Holding, status: number, reason?: string | OutgoingHttpHeaders | unknown[], headers?: OutgoingHttpHeaders | unknown[]) {
  if (!this[kHeld]) return original(this, 0).call(this, status, reason, headers);
  this.statusCode = status;
  if (typeof reason === 'string') this.statusMessage = reason;
  else headers = reason;
  mergeHead(this, headers);
  return this;
}

function write(this: Holding, chunk: Chunk, encoding?: BufferEncoding | Callback, cb?: Callback) {
  const held = this[kHeld];
  if (!held) return original(this, 1).call(this, chunk, encoding, cb);
  hold(held, bytes(chunk, encoding));
  const done = typeof encoding === 'function' ? encoding : cb;
  if (done) process.nextTick(done);
  return true; // never back-pressure: the bytes go to memory
}

function end(this: Holding, chunk?: Chunk | Callback, encoding?: BufferEncoding | Callback, cb?: Callback) {
  const held = this[kHeld];
  if (!held) return original(this, 2).call(this, chunk, encoding, cb);
  if (typeof chunk === 'function') [cb, chunk] = [chunk, undefined];
  else if (typeof encoding === 'function') [cb, encoding] = [encoding, undefined];
  hold(held, bytes(chunk as Chunk, encoding));
  release(this, held);
  if (cb) this.once('finish', () => cb!());
  const body = held.chunks.length === 1 ? held.chunks[0] : Buffer.concat(held.chunks, held.size);
  held.done({ status: this.statusCode, headers: headerPairs(this), body });
  return this;
}

function flushHeaders(this: Holding) {
  if (!this[kHeld]) original(this, 3).call(this);
}

const TAKEN = ['writeHead', 'write', 'end', 'flushHeaders'] as const;
const OURS = [writeHead, write, end, flushHeaders] as readonly Method[];

/** The method a taken one stands in for, once nothing is held: the prototype's. */
function original(res: Holding, i: number): Method {
  const proto = Object.getPrototypeOf(res) as Record<string, Method>;
  return proto[TAKEN[i]];
}

/** Give `res` its own methods back; in reverse order of taking, which V8 undoes without reshaping the object. */
function release(res: Holding, held: Held): void {
  res[kHeld] = undefined;
  const r = res as unknown as Record<string, unknown>;
  for (let i = TAKEN.length - 1; i >= 0; i--) {
    // A wrapper a later handler put over ours stays; it reaches the real method through ours.
    if (r[TAKEN[i]] !== OURS[i]) continue;
    if (held.own[i]) r[TAKEN[i]] = held.own[i];
    else delete r[TAKEN[i]];
  }
}

/**
 * Hold back what the handlers after the pipeline send, for the response phase: their
 * `writeHead`/`write`/`end` are taken over on this response object until `end`, and
 * `done` gets the response they made (the status and headers they set, through whichever
 * API, and every body byte). Nothing reaches the socket; the methods are given back at
 * `end` (or by `abandon`), for witline to write the response the pipeline finally returns.
 *
 * `res.headersSent` stays false meanwhile, which is true: nothing was sent.
 */
export function captureResponse(res: ServerResponse, done: (resp: WitResponse) => void): void {
  const r = res as unknown as Record<string, unknown>;
  const own = TAKEN.map((k) => (Object.hasOwn(r, k) ? (r[k] as Method) : undefined));
  (res as Holding)[kHeld] = { chunks: [], size: 0, done, own };
  for (let i = 0; i < TAKEN.length; i++) r[TAKEN[i]] = OURS[i];
}

/** Stop holding `res` back (the client went away before the handlers ended it). */
export function abandonCapture(res: ServerResponse): void {
  const held = (res as Holding)[kHeld];
  if (held) release(res as Holding, held);
}
