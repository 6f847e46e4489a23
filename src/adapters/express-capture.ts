import { ServerResponse, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import type { HeaderList, WitResponse } from '../core/types.js';
import { dropsBody, plainSend, sentAsJson } from './express-send.js';
import { deferTagging, expressAppOf, resumeTagging, tagFor, type SentWithSend } from './express-validators.js';

type Chunk = string | Uint8Array | null | undefined;
type Callback = (err?: Error | null) => void;
type Method = (this: ServerResponse, ...args: unknown[]) => unknown;

/** Who gets a held response: the response the handlers made, and `sent` when they sent it with Express's `res.send`. */
export type Done = (resp: WitResponse, sent?: SentWithSend) => void;

/** A response being held back: the body bytes so far, and who gets the whole response. */
interface Held {
  req: IncomingMessage;
  chunks: Buffer[];
  size: number;
  done: Done;
  /** While Express's own `send` runs: the prototype its tagging was deferred from (express-validators.ts). */
  deferred: object | undefined;
}

/**
 * The responses held back now. A WeakMap and not a property on `res`: Express gives each
 * response its prototype with `setPrototypeOf`, which leaves the object in V8's dictionary
 * mode, where every property added or deleted reshapes a ~60-entry table; four methods
 * patched onto each response and deleted again cost more than the whole pipeline.
 */
const held = new WeakMap<ServerResponse, Held>();
/**
 * The response held last, outside the WeakMap: a route that answers within `next()` (as
 * `res.send` does) ends it before any other is held, so the common course makes no WeakMap
 * call at all, and the taken methods of responses not held (witline's own write) none either.
 * `others` counts the entries of `held`, to skip looking there while it is empty.
 */
let lastRes: ServerResponse | undefined;
let lastHeld: Held | undefined;
let others = 0;

function heldOf(res: ServerResponse): Held | undefined {
  if (res === lastRes) return lastHeld;
  return others > 0 ? held.get(res) : undefined;
}

function hold(res: ServerResponse, h: Held): void {
  release(res); // held again (a second capture of the same response replaces the first)
  if (lastRes !== undefined) {
    held.set(lastRes, lastHeld!);
    others++;
  }
  [lastRes, lastHeld] = [res, h];
}

function release(res: ServerResponse): void {
  if (res === lastRes) [lastRes, lastHeld] = [undefined, undefined];
  else if (others > 0 && held.delete(res)) others--;
}
/** Objects whose methods are taken over (once each). */
const taken = new WeakSet<object>();

function bytes(chunk: Chunk, encoding: unknown): Buffer | undefined {
  if (chunk === null || chunk === undefined) return undefined;
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function keep(h: Held, b: Buffer | undefined): void {
  if (!b || b.length === 0) return;
  h.chunks.push(b);
  h.size += b.length;
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

// What the taken methods do while a response is held.
function holdHead(res: ServerResponse, status: number, reason?: string | OutgoingHttpHeaders | unknown[], headers?: OutgoingHttpHeaders | unknown[]) {
  res.statusCode = status;
  if (typeof reason === 'string') res.statusMessage = reason;
  else headers = reason;
  mergeHead(res, headers);
  return res;
}

function holdWrite(h: Held, chunk: Chunk, encoding?: BufferEncoding | Callback, cb?: Callback) {
  keep(h, bytes(chunk, encoding));
  const done = typeof encoding === 'function' ? encoding : cb;
  if (done) process.nextTick(done);
  return true; // never back-pressure: the bytes go to memory
}

function holdEnd(res: ServerResponse, h: Held, chunk?: Chunk | Callback, encoding?: BufferEncoding | Callback, cb?: Callback) {
  if (typeof chunk === 'function') [cb, chunk] = [chunk, undefined];
  else if (typeof encoding === 'function') [cb, encoding] = [encoding, undefined];
  keep(h, bytes(chunk as Chunk, encoding));
  release(res);
  if (cb) res.once('finish', () => cb!());
  const body = h.chunks.length === 1 ? h.chunks[0] : Buffer.concat(h.chunks, h.size);
  const resp: WitResponse = { status: res.statusCode, headers: headerPairs(res), body };
  const proto = h.deferred;
  if (proto === undefined) return (h.done(resp), res);
  h.deferred = undefined; // ended within Express's own send
  h.done(resp, { etag: resumeTagging(h.req, res, proto, resp) });
  return res;
}

/**
 * `res.send(body)` of a held response: what Express's send gives the response, held as its
 * end is (express-send.ts); through Express's own send, with its tagging deferred, when
 * that is not known here. Not held: Express's send.
 */
function holdSend(res: ServerResponse, h: Held, send: Method, args: unknown[]): unknown {
  // Another framework's `send` (of its own meaning): its end is held as any end is.
  const app = expressAppOf(res);
  if (app === undefined) return send.apply(res, args);
  // Not after a `write`: Express's send ends with its body after what was written.
  const sent = args.length === 1 && h.size === 0 ? plainSend(h.req, res, args[0]) : undefined;
  if (sent !== undefined) {
    if (sent.type !== undefined) res.setHeader('Content-Type', sent.type);
    release(res);
    const resp: WitResponse = { status: res.statusCode, headers: headerPairs(res), body: sent.body };
    h.done(resp, { etag: tagFor(h.req, app, resp) });
    return res;
  }
  // JSON comes back through here as the string res.json sends. Express tags only a body it
  // is given, and a body it then drops before dropping it: its own tag then, over bytes no
  // stage sees (kept while the stages send none either).
  const body = args[0];
  if (sentAsJson(body) || body === undefined || dropsBody(res.statusCode)) return send.apply(res, args);
  h.deferred = deferTagging(res);
  try {
    return send.apply(res, args);
  } finally {
    // Express's send threw before its end: the response is as before it.
    if (h.deferred !== undefined) resumeTagging(h.req, res, h.deferred, undefined);
    h.deferred = undefined;
  }
}

/** Whether `o[key] = ...` sets a value (a writable data property, own or inherited, or none). */
function assignable(o: object, key: string): boolean {
  for (let p: object | null = o; p !== null; p = Object.getPrototypeOf(p) as object | null) {
    const d = Object.getOwnPropertyDescriptor(p, key);
    if (d) return d.writable === true;
  }
  return true;
}

/**
 * Take over `writeHead`, `write`, `end` and `flushHeaders` on `host`, and Express's `send`
 * where it has one, once: each does what it did before unless its response is held.
 */
function takeOver(host: Record<string, unknown>): void {
  if (taken.has(host)) return;
  taken.add(host);
  const [writeHead, write, end, flushHeaders, send] = (['writeHead', 'write', 'end', 'flushHeaders', 'send'] as const).map((k) => host[k] as Method);
  if (typeof send === 'function' && assignable(host, 'send')) {
    host.send = function (this: ServerResponse, ...args: unknown[]) {
      const h = heldOf(this);
      return h ? holdSend(this, h, send, args) : send.apply(this, args);
    };
  }
  host.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    return heldOf(this) ? holdHead(this, ...(args as [number, string | OutgoingHttpHeaders, OutgoingHttpHeaders])) : writeHead.apply(this, args);
  };
  host.write = function (this: ServerResponse, ...args: unknown[]) {
    const h = heldOf(this);
    return h ? holdWrite(h, ...(args as [Chunk, BufferEncoding | Callback, Callback])) : write.apply(this, args);
  };
  host.end = function (this: ServerResponse, ...args: unknown[]) {
    const h = heldOf(this);
    return h ? holdEnd(this, h, ...(args as [Chunk, BufferEncoding | Callback, Callback])) : end.apply(this, args);
  };
  host.flushHeaders = function (this: ServerResponse, ...args: unknown[]) {
    if (!heldOf(this)) return flushHeaders.apply(this, args);
  };
}

/**
 * Where the methods are taken over: on the prototype all of the framework's responses
 * share (for Express, its `response` object, which every app's and mounted app's response
 * prototype inherits from, so a sub-app swapping prototypes mid-request still writes
 * through it), installed once. On the response itself when it has no such prototype
 * (plain node:http), or when an earlier middleware wrapped one of the methods on it
 * (`res.end = ...`): that wrapper would pass by a prototype.
 */
function hostOf(res: ServerResponse): Record<string, unknown> {
  const own = res as unknown as Record<string, unknown>;
  if (Object.hasOwn(own, 'end') || Object.hasOwn(own, 'write') || Object.hasOwn(own, 'writeHead')) return own;
  const first = Object.getPrototypeOf(res) as object | null;
  // An app's responses share their prototype: its host is found once, not walked per request.
  if (first === lastProto) return lastHost!;
  const host = hostAbove(own, first);
  if (host !== own) [lastProto, lastHost] = [first, host];
  return host;
}

let lastProto: object | null | undefined;
let lastHost: Record<string, unknown> | undefined;

/** The prototype just below ServerResponse.prototype in `first`'s chain, or `own` when there is none. */
function hostAbove(own: Record<string, unknown>, first: object | null): Record<string, unknown> {
  let p = first;
  if (p === ServerResponse.prototype) return own;
  while (p !== null) {
    const up = Object.getPrototypeOf(p) as object | null;
    if (up === ServerResponse.prototype) return p as Record<string, unknown>;
    p = up;
  }
  return own;
}

/**
 * Hold back what the handlers after the pipeline send, for the response phase: their
 * `writeHead`/`write`/`end` (and Express's `send`) on this response are taken over until
 * `end`, and `done` gets the response they made (the status and headers they set, through whichever API,
 * and every body byte). Nothing reaches the socket; from `end` on (or {@link abandonCapture})
 * the methods write as usual, for witline to write the response the pipeline finally returns.
 *
 * `res.headersSent` stays false meanwhile, which is true: nothing was sent.
 */
export function captureResponse(req: IncomingMessage, res: ServerResponse, done: Done): void {
  takeOver(hostOf(res));
  hold(res, { req, chunks: [], size: 0, done, deferred: undefined });
}

/** Stop holding `res` back (the client went away before the handlers ended it). */
export function abandonCapture(res: ServerResponse): void {
  release(res);
}
