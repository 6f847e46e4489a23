import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestError, BodyTooLargeError, ClientAbortedError, GuestInvalidOutputError, WitlineError } from '../core/errors.js';
import { BODY_FRAMING, HANDED_OFF, rawPairs } from '../core/http.js';
import { checkHead, isLimitError } from '../core/limits.js';
import { kErrorResponse, kHandle, kHasResponsePhase } from '../pipeline/internal.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { Terminal } from '../pipeline/run.js';
import type { RequestContext, WitRequest, WitResponse } from '../core/types.js';
import { applyRequest, takeBody } from './express-body.js';
import { captureResponse } from './express-capture.js';
import { adapterHeaders } from './wire.js';

export { BodyConsumedError } from '../core/errors.js';

/**
 * A connect-style middleware, as `app.use()` takes it. Typed on node:http's request and
 * response, so that this module needs neither Express nor its type package; an Express
 * request and response are both.
 */
export type ExpressMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
}

/** Write a response witline made; `replace`: it stands for everything already set on `res`. */
function send(p: Pipeline, res: ServerResponse, resp: WitResponse, method: string, opts: { replace?: boolean; close?: boolean } = {}): void {
  if (res.headersSent || res.destroyed) return;
  // Headers earlier middleware set (CORS, say) stay on a short-circuit answer, as they
  // would on any other; a captured response already holds them.
  const headers = adapterHeaders(resp, method);
  if (opts.close) headers.push(['connection', 'close']);
  const names = opts.replace ? res.getHeaderNames() : [...BODY_FRAMING, ...headers.map(([k]) => k)];
  for (const name of names) res.removeHeader(name);
  // appendHeader, not writeHead(status, pairs): once any header was set on `res`, Node
  // 20's writeHead sets each pair in turn, and the last of a repeated header wins.
  // One try around the write, as on witline's edge: a head Node refuses must not escape into
  // Express (or node:http's event handlers): a 502 in its place, or a cut connection.
  try {
    for (const [k, v] of headers) res.appendHeader(k, v);
    res.writeHead(resp.status);
    res.end(resp.body);
  } catch (err) {
    if (res.headersSent) return void res.destroy();
    const fallback = p[kErrorResponse](new GuestInvalidOutputError('response', `its head cannot be written (${(err as Error)?.message ?? err})`));
    try {
      for (const name of res.getHeaderNames()) res.removeHeader(name);
      for (const [k, v] of adapterHeaders(fallback, method)) res.appendHeader(k, v);
      res.writeHead(fallback.status);
      res.end(fallback.body);
    } catch {
      res.destroy();
    }
  }
}

async function run(p: Pipeline, req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void): Promise<void> {
  try {
    await p.ready();
  } catch (err) {
    return next(err); // the pipeline cannot load: nothing of it can answer
  }
  const method = req.method ?? 'GET';
  const uri = req.url ?? '/';
  const headers = rawPairs(req.rawHeaders);
  const aborter = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) aborter.abort(new ClientAbortedError());
    // A body nobody downstream read is still buffered in the request: let it end.
    if (!req.readableEnded) req.resume();
  });
  // Express's req.ip: the socket's address, or the client's behind a trusted proxy.
  const remoteAddress = (req as { ip?: string }).ip ?? req.socket.remoteAddress ?? '';
  const ctx: RequestContext = { remoteAddress, signal: aborter.signal };

  let body: Uint8Array | undefined;
  try {
    checkHead(method, uri, headers, p.limits);
    body = await takeBody(req, p.limits);
  } catch (err) {
    // Limits answer exactly as on witline's own edge; a refused body is left unread, so
    // the connection cannot carry another request.
    if (isLimitError(err)) {
      return send(p, res, p[kErrorResponse](err), method, { close: err instanceof BodyTooLargeError });
    }
    return next(err instanceof WitlineError ? err : new BadRequestError(`the request body could not be read: ${(err as Error).message}`));
  }

  const capture = p[kHasResponsePhase];
  let handedOff = false;
  let downstream: WitResponse | undefined;
  const terminal: Terminal = (out) => {
    applyRequest(req, body, out);
    if (capture) {
      const captured = captureResponse(res).then((r) => (downstream = r));
      next();
      return Promise.race([captured, rejectOnAbort(aborter.signal)]);
    }
    // No stage reads the response: the handlers after the pipeline write to the client
    // directly, streaming, and the terminal reports HANDED_OFF.
    handedOff = true;
    const done = new Promise<WitResponse>((resolve) => {
      const settle = () => resolve(HANDED_OFF);
      res.once('finish', settle);
      res.once('close', settle);
    });
    next();
    return done;
  };
  const witReq: WitRequest = { method, uri, headers, body };
  const resp = await p[kHandle](witReq, ctx, terminal);
  if (!handedOff) send(p, res, downstream ? withoutStaleValidators(resp, downstream) : resp, method, { replace: capture });
}

/**
 * Express computed its ETag over the body its route sent; once a response stage changed
 * that body the tag describes other bytes (and would let a client revalidate the wrong
 * representation), so it is dropped.
 */
function withoutStaleValidators(resp: WitResponse, sent: WitResponse): WitResponse {
  if (Buffer.from(resp.body).equals(Buffer.from(sent.body))) return resp;
  return { ...resp, headers: resp.headers.filter(([k]) => k.toLowerCase() !== 'etag') };
}

/**
 * Run a pipeline as Express middleware (Express 5; any connect-style framework).
 *
 * The request phase runs on the Express request. A stage that answers is answered by
 * this middleware; otherwise the request, as the stages passed it on (method, url,
 * headers, body), goes to the handlers after it, which read the body with the usual
 * parsers (`express.json()`, `express.raw()`, ...): mount this **before** any body parser.
 * When some stage has a response phase, what those handlers send is held back, run
 * through it, and sent then; otherwise they write to the client directly, streaming.
 *
 * Limits answer 413/414/431 as on `listen()`. A stage that fails or traps answers with
 * its error response (JSON naming the code, as everywhere in witline). Failures of the
 * adapter itself (the pipeline cannot load; the body cannot be read, or an earlier
 * middleware already read it: `WITLINE_BODY_CONSUMED`) go to `next(err)`, Express's
 * error handling. Guests see `req.ip` as the client address.
 *
 * @example
 * ```ts
 * import express from 'express'
 * import { pipeline } from 'witline'
 * import { toExpress } from 'witline/express'
 * import { auth, rateLimit } from 'witline/middleware'
 *
 * const app = express()
 * app.use(toExpress(pipeline([auth({ secret }), rateLimit({ burst: 10, perSecond: 5 })])))
 * app.use(express.json())
 * app.post('/notes', (req, res) => res.status(201).json({ saved: req.body }))
 * app.listen(3000)
 * ```
 */
export function toExpress(p: Pipeline): ExpressMiddleware {
  return (req, res, next) => {
    run(p, req, res, next).catch(next);
  };
}
