import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { pipeline as pipe } from 'node:stream';
import { BadRequestError, BodyTooLargeError, HeadersTooLargeError, RequestTimeoutError } from '../core/errors.js';
import { hasBodyFraming, rawPairs, STREAM_FRAMING, wireHeaders } from '../core/http.js';
import { checkBodySize, checkHead, type Limits } from '../core/limits.js';
import type { Readable } from 'node:stream';
import type { OutgoingResponse, RequestContext, WitRequest, WitResponse } from '../core/types.js';

/** What the edge needs from a pipeline. */
export interface Handles {
  handle(req: WitRequest, ctx: RequestContext): Promise<OutgoingResponse>;
  errorResponse(err: unknown): WitResponse;
}

/** Read the body, refusing it as soon as it passes the limit. */
function readBody(req: IncomingMessage, limits: Limits): Promise<Uint8Array | undefined> {
  const declared = req.headers['content-length'];
  if (!hasBodyFraming(req.headers)) {
    req.resume(); // no body by framing; drain anything odd so keep-alive still works
    return Promise.resolve(undefined);
  }
  if (declared !== undefined) checkBodySize(Number(declared), limits);
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

function write(res: ServerResponse, resp: OutgoingResponse, close: boolean): void {
  const { stream } = resp;
  if (res.headersSent || res.destroyed) {
    stream?.destroy?.();
    return;
  }
  if (stream) return writeStream(res, resp, stream);
  const headers = wireHeaders(resp);
  if (close) headers.push(['connection', 'close']);
  res.writeHead(resp.status, headers.flat());
  res.end(resp.body);
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

/** Answer a request Node's parser rejected before it reached us. */
function onClientError(edge: Handles, limits: Limits) {
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

/** The node:http edge: limits, body collection, and writing what the pipeline answers. */
export function createEdge(edge: Handles, limits: Limits): Server {
  const server = createServer({ maxHeaderSize: limits.maxHeaderBytes, requestTimeout: 60_000 }, (req, res) => {
    const headers = rawPairs(req.rawHeaders);
    const uri = req.url ?? '/';
    // A client that goes away before its answer aborts the work still queued or running for it.
    const aborter = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) aborter.abort(new Error('client disconnected'));
    });
    const ctx: RequestContext = { remoteAddress: req.socket.remoteAddress ?? '', signal: aborter.signal };
    let refusedBody = false;
    (async () => {
      checkHead(req.method ?? 'GET', uri, headers, limits);
      let body: Uint8Array | undefined;
      try {
        body = await readBody(req, limits);
      } catch (err) {
        refusedBody = true; // the rest of the body is not read: the connection cannot be reused
        throw err;
      }
      return edge.handle({ method: req.method ?? 'GET', uri, headers, body }, ctx);
    })().then(
      (resp) => write(res, resp, false),
      (err) => write(res, edge.errorResponse(err), refusedBody),
    );
  });
  server.on('clientError', onClientError(edge, limits));
  return server;
}
