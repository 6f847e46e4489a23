import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { HeaderList, WitResponse } from '../core/types.js';

type Chunk = string | Uint8Array | null | undefined;
type Callback = (err?: Error | null) => void;

function bytes(chunk: Chunk, encoding: unknown): Buffer | undefined {
  if (chunk === null || chunk === undefined) return undefined;
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** The response's current header store as pairs, with the case they were set with. */
export function headerPairs(res: ServerResponse): HeaderList {
  const out: HeaderList = [];
  // On every OutgoingMessage since Node 15; @types/node declares it on ClientRequest only.
  for (const name of (res as unknown as { getRawHeaderNames(): string[] }).getRawHeaderNames()) {
    const value = res.getHeader(name);
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) out.push([name, String(one)]);
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

/**
 * Hold back what the handlers after the pipeline send, for the response phase: their
 * `writeHead`/`write`/`end` are taken over on this response object until `end`, and the
 * promise resolves to the response they made (the status and headers they set, through
 * whichever API, and every body byte). Nothing reaches the socket; the originals are
 * restored at `end`, for witline to write the response the pipeline finally returns.
 *
 * `res.headersSent` stays false meanwhile, which is true: nothing was sent.
 */
export function captureResponse(res: ServerResponse): Promise<WitResponse> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const r = res as unknown as Record<string, unknown>;
    const taken = ['writeHead', 'write', 'end', 'flushHeaders'];
    r.writeHead = (status: number, reason?: string | OutgoingHttpHeaders | unknown[], headers?: OutgoingHttpHeaders | unknown[]) => {
      res.statusCode = status;
      if (typeof reason === 'string') res.statusMessage = reason;
      else headers = reason;
      mergeHead(res, headers);
      return res;
    };
    r.flushHeaders = () => {};
    r.write = (chunk: Chunk, encoding?: BufferEncoding | Callback, cb?: Callback) => {
      const b = bytes(chunk, encoding);
      if (b) chunks.push(b);
      const done = typeof encoding === 'function' ? encoding : cb;
      if (done) process.nextTick(done);
      return true; // never back-pressure: the bytes go to memory
    };
    r.end = (chunk?: Chunk | Callback, encoding?: BufferEncoding | Callback, cb?: Callback) => {
      if (typeof chunk === 'function') [cb, chunk] = [chunk, undefined];
      else if (typeof encoding === 'function') [cb, encoding] = [encoding, undefined];
      const b = bytes(chunk as Chunk, encoding);
      if (b) chunks.push(b);
      for (const k of taken) delete r[k];
      if (cb) res.once('finish', () => cb!());
      resolve({ status: res.statusCode, headers: headerPairs(res), body: Buffer.concat(chunks) });
      return res;
    };
  });
}
