import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { pipeline as pipe } from 'node:stream';
import { BadRequestError, BodyTooLargeError, GuestInvalidOutputError, HeadersTooLargeError, RequestTimeoutError } from '../core/errors.js';
import { declaredLength, framed, rawPairs, STREAM_FRAMING, wireHeaders, wireHeadersFlat } from '../core/http.js';
import { checkBodySize, checkHead, type Limits } from '../core/limits.js';
import { endBody } from '../core/end-body.js';
import { requestTarget } from '../core/target.js';
import type { Readable } from 'node:stream';
import { isPromise, type OutgoingResponse, type RequestContext, type WitRequest, type WitResponse } from '../core/types.js';
import { EdgeContext } from './context.js';
import { edgeServerOptions, type ListenOptions } from './listen-options.js';

export type { ListenOptions } from './listen-options.js';

/** What the edge needs from a pipeline. */
export interface Handles {
  /** Synchronous when nothing on the request's way awaits (fused guests, a synchronous handler). */
  handle(req: WitRequest, ctx: RequestContext): OutgoingResponse | Promise<OutgoingResponse>;
  errorResponse(err: unknown): WitResponse;
}

/** Read a framed body (content-length or chunked), refusing it as soon as it passes the limit. */
function readBody(req: IncomingMessage, limits: Limits): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBodyBytes) {
        req.removeAllListeners('data');
        req.pause();
        reject(new BodyTooLargeError(limits.maxBodyBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

/** A body still arriving from upstream: its own content-length (if any) stands, and bytes go on as they come. */
function writeStream(res: ServerResponse, resp: WitResponse, stream: Readable): void {
  const headers = resp.headers.filter(([k]) => !STREAM_FRAMING.has(k.toLowerCase()));
  res.writeHead(resp.status, headers.flat());
  // On an upstream failure mid-body the client sees a cut response; a client gone stops the upstream.
  pipe(stream, res, () => {});
}

function write(edge: Handles, res: ServerResponse, resp: OutgoingResponse, close: boolean): void {
  const { stream } = resp;
  if (res.headersSent || res.destroyed) {
    stream?.destroy?.();
    return;
  }
  // One try around the whole write: a head Node refuses (a character it will not put on the
  // wire, a head too large to build as one string) must never escape into node:http's event
  // handlers, where it would end the process. Nothing per header: this is the hot path.
  try {
    if (stream) return writeStream(res, resp, stream);
    const headers = wireHeadersFlat(resp);
    if (close) headers.push('connection', 'close');
    res.writeHead(resp.status, headers);
    endBody(res, resp.body);
  } catch (err) {
    unwritable(edge, res, resp, err);
  }
}

/** A response whose head could not be written: a 502 in its place, or (head gone already) a cut connection. */
function unwritable(edge: Handles, res: ServerResponse, resp: OutgoingResponse, err: unknown): void {
  resp.stream?.destroy?.();
  if (res.headersSent) return void res.destroy();
  // Logged through the pipeline, as every 5xx is.
  const fallback = edge.errorResponse(new GuestInvalidOutputError('response', `its head cannot be written (${(err as Error)?.message ?? err})`));
  try {
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    res.writeHead(fallback.status, wireHeadersFlat(fallback));
    endBody(res, fallback.body);
  } catch {
    res.destroy();
  }
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

/** A server's `clientError` listener: answer a request Node's parser rejected before it reached us. */
export function clientErrorListener(edge: Handles, limits: Limits): (err: NodeJS.ErrnoException, socket: Socket) => void {
  return (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable) return socket.destroy();
    const code = err.code ?? '';
    const error =
      code === 'HPE_HEADER_OVERFLOW'
        ? new HeadersTooLargeError(limits.maxHeaderBytes)
        : code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? new RequestTimeoutError()
          : new BadRequestError(`malformed request (${code || err.message})`);
    const resp = edge.errorResponse(error);
    const head = [`HTTP/1.1 ${resp.status} ${STATUS_TEXT[resp.status] ?? 'Error'}`, ...wireHeaders(resp).map(([k, v]) => `${k}: ${v}`), 'connection: close'];
    socket.end(Buffer.concat([Buffer.from(head.join('\r\n') + '\r\n\r\n'), resp.body]));
  };
}

/**
 * The node:http edge on a server of its own: {@link edgeListener} for requests, and parser
 * errors answered as witline errors.
 */
export function createEdge(edge: Handles, limits: Limits, options: ListenOptions = {}): Server {
  const { server: serverOptions, maxConnections } = edgeServerOptions(options, limits.maxHeaderBytes);
  const server = createServer(serverOptions, edgeListener(edge, limits));
  server.on('clientError', clientErrorListener(edge, limits));
  if (maxConnections !== undefined) server.maxConnections = maxConnections;
  return server;
}

/**
 * The node:http edge's request listener: limits, body collection, and writing what the
 * pipeline answers. A request without a body goes through the pipeline synchronously when
 * nothing on its way awaits (fused guests, a synchronous handler): no promise, no
 * microtask, no abort signal unless a stage or the upstream asks for one.
 */
export function edgeListener(edge: Handles, limits: Limits): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const method = req.method ?? 'GET';
    const headers = rawPairs(req.rawHeaders);
    const ctx = new EdgeContext(req, res);
    let out: WitResponse | Promise<WitResponse>;
    try {
      checkHead(method, req.url ?? '/', headers, limits);
      const uri = requestTarget(req.url ?? '/', headers);
      if (framed(headers)) return withBody(edge, limits, req, res, { method, uri, headers }, ctx);
      // No body by framing: node:http discards anything odd that follows once the response ends.
      out = edge.handle({ method, uri, headers, body: undefined }, ctx);
    } catch (err) {
      return write(edge, res, edge.errorResponse(err), false);
    }
    if (isPromise(out))
      out.then(
        (resp) => write(edge, res, resp, false),
        (err) => write(edge, res, edge.errorResponse(err), false),
      );
    else write(edge, res, out, false);
  };
}

/** A request with a body: read it under the limit, then run it. A refused body leaves the connection unusable: it is closed. */
function withBody(edge: Handles, limits: Limits, req: IncomingMessage, res: ServerResponse, head: Omit<WitRequest, 'body'>, ctx: RequestContext): void {
  const declared = declaredLength(head.headers);
  let read: Promise<Uint8Array>;
  try {
    if (declared !== undefined) checkBodySize(Number(declared), limits);
    read = readBody(req, limits);
  } catch (err) {
    return write(edge, res, edge.errorResponse(err), true);
  }
  read.then(
    (body) =>
      Promise.resolve(edge.handle({ ...head, body }, ctx)).then(
        (resp) => write(edge, res, resp, false),
        (err) => write(edge, res, edge.errorResponse(err), false),
      ),
    (err) => write(edge, res, edge.errorResponse(err), true),
  );
}
