import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestError, BodyTooLargeError, ClientAbortedError, GuestInvalidOutputError, WitlineError } from '../core/errors.js';
import { BODY_FRAMING, framed, HANDED_OFF, rawPairs } from '../core/http.js';
import { endBody } from '../core/end-body.js';
import { checkHead, isLimitError } from '../core/limits.js';
import { requestTarget } from '../core/target.js';
import { kErrorResponse, kHandle, kHasResponsePhase } from '../pipeline/internal.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { Terminal } from '../pipeline/run.js';
import { isPromise, type HeaderList, type WitRequest, type WitResponse } from '../core/types.js';
import { applyRequest, joined, sameRequest, takeBody } from './express-body.js';
import { abandonCapture, captureResponse, headerPairs } from './express-capture.js';
import { ExpressContext } from './express-context.js';
import { isFresh, NOT_MODIFIED_STRIPPED, validated, type SentWithSend } from './express-validators.js';
import { adapterHeadersFlat } from './wire.js';

export { BodyConsumedError } from '../core/errors.js';

/**
 * A connect-style middleware, as `app.use()` takes it. Typed on node:http's request and
 * response, so that this module needs neither Express nor its type package; an Express
 * request and response are both.
 */
export type ExpressMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * Write a response witline made. `held`: what `res` holds now, as the handlers after the
 * pipeline left it when they ended their response (a captured one): the response stands for
 * all of it. Otherwise what is on `res` (CORS set before the pipeline, say) stays, except
 * the fields the response sets and the framing. `revalidate`: the request whose freshness
 * Express would judge against the tag witline gave the response (express-validators.ts).
 */
function send(
  p: Pipeline,
  res: ServerResponse,
  resp: WitResponse,
  method: string,
  opts: { held?: HeaderList; close?: boolean; revalidate?: IncomingMessage } = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const headers = adapterHeadersFlat(resp, method);
  if (opts.close) headers.push('connection', 'close');
  // One try around the write, as on witline's edge: a head Node refuses must not escape into
  // Express (or node:http's event handlers): a 502 in its place, or a cut connection.
  try {
    writeHead(res, headers, opts.held);
    if (opts.revalidate && isFresh(opts.revalidate, res, resp.status)) {
      for (const name of NOT_MODIFIED_STRIPPED) res.removeHeader(name);
      res.writeHead(304);
      res.end();
      return;
    }
    res.writeHead(resp.status);
    endBody(res, resp.body);
  } catch (err) {
    if (res.headersSent) return void res.destroy();
    const fallback = p[kErrorResponse](new GuestInvalidOutputError('response', `its head cannot be written (${(err as Error)?.message ?? err})`));
    try {
      // What is on `res` now is no longer `held` (the write may have failed midway).
      setExactly(res, adapterHeadersFlat(fallback, method), headerPairs(res));
      res.writeHead(fallback.status);
      endBody(res, fallback.body);
    } catch {
      res.destroy();
    }
  }
}

/** Put `flat`'s fields on `res`: in place of all it holds (`held`), or of the same names and the framing. */
function writeHead(res: ServerResponse, headers: string[], held: HeaderList | undefined): void {
  if (held) return setExactly(res, headers, held);
  for (const name of BODY_FRAMING) res.removeHeader(name);
  for (let i = 0; i < headers.length; i += 2) res.removeHeader(headers[i]);
  // appendHeader, not writeHead(status, pairs): once any header was set on `res`, Node
  // 20's writeHead sets each pair in turn, and the last of a repeated header wins.
  for (let i = 0; i < headers.length; i += 2) res.appendHeader(headers[i], headers[i + 1]);
}

/**
 * Make the fields on `res` exactly `flat` (name, value, ...), given that it holds `held`.
 * A captured response holds what the route set, and the stages change a field or two of
 * it: those alone are set or removed, and the comparison is made against `held` rather
 * than by asking `res` for each field (a call into Node per field). A field a handler sets
 * after its `end` (which Node refuses on a response not held back) is not looked at.
 * Lists of a dozen fields: scanned, not indexed in maps.
 */
function setExactly(res: ServerResponse, flat: string[], held: HeaderList): void {
  const want: string[] = [];
  for (let i = 0; i < flat.length; i += 2) want.push(flat[i].toLowerCase());
  const had: string[] = [];
  for (const [name] of held) had.push(name.toLowerCase());
  for (let j = 0; j < had.length; j++) if (had.indexOf(had[j]) === j && !want.includes(had[j])) res.removeHeader(had[j]);
  for (let i = 0; i < want.length; i++) {
    const k = want[i];
    if (want.indexOf(k) !== i) continue; // set with its first occurrence
    let values: string[] | undefined; // past one value
    let same = true;
    let h = had.indexOf(k);
    for (let w = i; w < want.length; w++) {
      if (want[w] !== k) continue;
      const value = flat[2 * w + 1];
      if (w !== i) (values ??= [flat[2 * i + 1]]).push(value);
      if (h < 0 || held[h][1] !== value) same = false;
      h = h < 0 ? -1 : had.indexOf(k, h + 1);
    }
    if (h >= 0) same = false; // held has more values
    // An array sets the field once per value, as appendHeader does.
    if (!same) res.setHeader(flat[2 * i], values ?? flat[2 * i + 1]);
  }
}

/** What a request that cannot enter the pipeline gets. */
function refuse(p: Pipeline, res: ServerResponse, method: string, next: (err?: unknown) => void, err: unknown): void {
  // Limits answer exactly as on witline's own edge; a refused body is left unread, so
  // the connection cannot carry another request.
  // A target refused (absolute form naming another host, a second Host: core/target.ts) too.
  if (isLimitError(err) || err instanceof BadRequestError) return send(p, res, p[kErrorResponse](err), method, { close: err instanceof BodyTooLargeError });
  next(err instanceof WitlineError ? err : new BadRequestError(`the request body could not be read: ${(err as Error).message}`));
}

/**
 * One request through the pipeline, synchronously as far as the pipeline and the
 * handlers after it are: no promise of our own unless something awaits.
 */
function handle(p: Pipeline, capture: boolean, req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void): void {
  const method = req.method ?? 'GET';
  let uri = req.url ?? '/';
  const headers = rawPairs(req.rawHeaders);
  const ctx = new ExpressContext(req, res);
  const enter = (body: Uint8Array | undefined) => pass(p, capture, req, res, next, { method, uri, headers, body }, ctx);
  let body: Promise<Uint8Array | undefined> | undefined;
  try {
    // As on witline's own edge (core/target.ts): the stages judge the target the routes
    // after them serve, so a normalised target is what Express routes on too.
    uri = requestTarget(uri, headers);
    if (uri !== req.url) req.url = uri;
    checkHead(method, uri, headers, p.limits);
    if (framed(headers)) body = takeBody(req, p.limits);
  } catch (err) {
    return refuse(p, res, method, next, err);
  }
  if (!body) return enter(undefined);
  body.then(
    (bytes) => {
      // A body nobody downstream read is still buffered in the request: let it end.
      if (bytes && bytes.byteLength > 0) res.on('close', () => req.readableEnded || req.resume());
      enter(bytes);
    },
    (err) => refuse(p, res, method, next, err),
  );
}

function pass(
  p: Pipeline,
  capture: boolean,
  req: IncomingMessage,
  res: ServerResponse,
  next: (err?: unknown) => void,
  witReq: WitRequest,
  ctx: ExpressContext,
): void {
  let handedOff = false;
  let downstream: WitResponse | undefined;
  // When the route sent with Express's `res.send` (express-validators.ts).
  let sent: SentWithSend | undefined;
  // Synchronous when the handlers after the pipeline answered within `next()` (as Express
  // routes that `res.send` do): the pipeline's synchronous path then goes on without a promise.
  const terminal: Terminal = (out) => {
    // Passed on as it came: nothing of req to rebuild and set (bench rows k, l: a few µs a request on Node 20).
    if (!sameRequest(out, witReq)) {
      if (joined(out.headers, 'x-forwarded-for') !== joined(witReq.headers, 'x-forwarded-for')) ctx.pinAddress();
      applyRequest(req, witReq.body, out);
    }
    if (!capture) {
      // No stage reads the response: the handlers after the pipeline write to the client
      // directly, streaming, and nothing of the pipeline waits for them.
      handedOff = true;
      next();
      return HANDED_OFF;
    }
    let answered: ((r: WitResponse) => void) | undefined;
    let gone: ((err: Error) => void) | undefined;
    captureResponse(req, res, (r, how) => {
      sent = how;
      downstream = r;
      answered?.(r);
    });
    next();
    // Answered within next() (as routes that `res.send` do): nothing to wait for. A close
    // is never emitted synchronously, so none was missed by listening only from here.
    if (downstream) return downstream;
    // The client went away before the handlers ended the response: nothing will.
    res.on('close', () => {
      if (downstream !== undefined) return;
      abandonCapture(res);
      gone?.(new ClientAbortedError());
    });
    return new Promise<WitResponse>((resolve, reject) => {
      [answered, gone] = [resolve, reject];
      if (res.destroyed && !downstream) gone(new ClientAbortedError());
    });
  };
  const finish = (resp: WitResponse) => {
    if (handedOff) return;
    // Answered by the handlers: their response stands for all `res` holds. Answered by a
    // stage before them: what earlier middleware set on `res` stays, as without capture.
    if (downstream) send(p, res, validated(resp, downstream, sent?.etag), witReq.method, { held: downstream.headers, revalidate: sent && req });
    else send(p, res, resp, witReq.method);
  };
  // The pipeline never rejects (failures are error responses); writing the answer can throw.
  const out = p[kHandle](witReq, ctx, terminal);
  if (isPromise(out)) out.then(finish).catch(next);
  else {
    try {
      finish(out);
    } catch (err) {
      next(err);
    }
  }
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
  // Known once the pipeline has loaded; until then each request waits for the load.
  let capture: boolean | undefined;
  return (req, res, next) => {
    if (capture !== undefined) return handle(p, capture, req, res, next);
    p.ready().then(() => {
      capture ??= p[kHasResponsePhase];
      handle(p, capture, req, res, next);
    }, next); // the pipeline cannot load: nothing of it can answer
  };
}
