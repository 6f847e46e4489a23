import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WitResponse } from '../core/types.js';
import { sameBytes } from './express-body.js';

/**
 * Express's validators over the bytes a held response finally sends.
 *
 * Express tags what a route's `res.send` is given (the app's `etag fn`, weak SHA-1 by
 * default) and answers 304 when the request already holds that tag. Behind a response
 * phase those are not the bytes that leave: a tag over the route's body describes another
 * representation (a client revalidating with it would be told its copy is current), and
 * computing it is a hash of a body about to be replaced. So a held response's route never
 * has Express tag or judge what it sends: a `res.send` of a string or Buffer does not run
 * Express's send at all (express-send.ts), and while Express's own send runs for anything
 * else it finds no `etag fn` (the response's `app` reads as the app with that setting
 * blank, every other setting as it is, `res.app.set` reaching the app). Once the stages are
 * done the final body is tagged by the same function and the request's freshness judged
 * against that tag with Express's own `req.fresh`: what Express does for a route that sends
 * those bytes.
 *
 * A HEAD gets no tag from Express here: its held body is empty, and a tag over the route's
 * body would not describe what a GET through the stages receives (a route's own tag stays).
 */

export type EtagFn = (body: Buffer, encoding?: string) => string | undefined;
/** A held response its route sent with Express's `res.send`: Express's validators apply, with this tag function (none: untagged). */
export interface SentWithSend {
  etag: EtagFn | undefined;
}
export interface ExpressApp {
  get(setting: string): unknown;
  settings: object;
}

const isExpressApp = (app: unknown): app is ExpressApp =>
  typeof app === 'function' && typeof (app as unknown as ExpressApp).get === 'function' && typeof (app as unknown as ExpressApp).settings === 'object';

/** Whether a held response's `res.send` asked for the tag function (it asks on every send with a body or none). */
let asked = false;

/** Per app: the app with `etag fn` blank, whose reading is noted in `asked`. */
const views = new WeakMap<ExpressApp, ExpressApp>();

function etagless(app: ExpressApp): ExpressApp {
  let view = views.get(app);
  if (view === undefined) {
    const settings = Object.create(app.settings, {
      'etag fn': {
        enumerable: true,
        get() {
          asked = true;
          return undefined;
        },
      },
    }) as object;
    // Settings a route changes while held (`res.app.set(...)`, `enable`, `disable`) go to the app.
    const set = function (this: unknown, ...args: unknown[]) {
      return args.length === 1 ? (settings as Record<string, unknown>)[args[0] as string] : (app as unknown as { set: Function }).set(...args);
    };
    view = Object.create(app, { settings: { value: settings, enumerable: true }, set: { value: set } }) as ExpressApp;
    views.set(app, view);
  }
  return view;
}

/** Per response prototype: one above it whose `app` is its app's view. */
const heldProtos = new WeakMap<object, object>();

/**
 * Hold Express's tagging of `res` back until {@link resumeTagging}: `res` gets a prototype
 * above its own whose `app` is the view (a prototype swap, as Express makes per request;
 * cheaper on its dictionary-mode responses than a property of their own). Returns the
 * prototype to put back, or undefined (nothing done) unless `res` is an Express response
 * whose app tags bodies. Made as Express's send begins, so a sub-app mounted after the
 * pipeline, which swaps in its own prototype, is deferred in its own.
 */
export function deferTagging(res: ServerResponse): object | undefined {
  const proto = Object.getPrototypeOf(res) as { app?: unknown } | null;
  const app = proto?.app;
  if (!proto || !isExpressApp(app) || Object.hasOwn(res, 'app') || typeof app.get('etag fn') !== 'function') return undefined;
  let held = heldProtos.get(proto);
  if (held === undefined) {
    held = Object.create(proto, { app: { value: etagless(app), enumerable: true, writable: true, configurable: true } }) as object;
    heldProtos.set(proto, held);
  }
  Object.setPrototypeOf(res, held);
  asked = false;
  return proto;
}

/**
 * Give `res` its prototype back (`proto`, from {@link deferTagging}), as the held response
 * ends (synchronously within the route's `end`, so `asked` is its own). The tag function
 * to tag the final body with, when the route's Express would have tagged it (it sent with
 * `res.send`, set no tag itself, and the request is not a HEAD).
 */
export function resumeTagging(req: IncomingMessage, res: ServerResponse, proto: object, sent: WitResponse | undefined): EtagFn | undefined {
  const wanted = asked;
  asked = false;
  if (Object.getPrototypeOf(res) !== heldProtos.get(proto)) return undefined; // a sub-app's own, since
  Object.setPrototypeOf(res, proto);
  return wanted && sent !== undefined ? tagFor(req, (proto as { app: ExpressApp }).app, sent) : undefined;
}

/** The Express app `res` belongs to now (a sub-app's while its routes run); undefined: not an Express response. */
export function expressAppOf(res: ServerResponse): ExpressApp | undefined {
  const app = (res as { app?: unknown }).app;
  return isExpressApp(app) ? app : undefined;
}

/**
 * The tag function Express would tag `sent` with, for a held response its route sent with
 * `res.send` without Express's own send running (express-send.ts): `app`'s (the response's,
 * so a sub-app mounted after the pipeline tags with its own setting), unless the route set
 * a tag itself or the request is a HEAD.
 */
export function tagFor(req: IncomingMessage, app: ExpressApp, sent: WitResponse): EtagFn | undefined {
  if (req.method === 'HEAD' || etagOf(sent) !== undefined) return undefined;
  const fn = app.get('etag fn');
  return typeof fn === 'function' ? (fn as EtagFn) : undefined;
}

const isEtag = (name: string) => name.length === 4 && name.toLowerCase() === 'etag';

function etagOf(resp: WitResponse): string | undefined {
  for (const [k, v] of resp.headers) if (isEtag(k)) return v;
  return undefined;
}

/**
 * `resp` with the validators right for its body: a tag the route set over a body the
 * stages then changed is dropped (a stage's own tag stays); `tag`, when given, tags the
 * final body as Express would have.
 */
export function validated(resp: WitResponse, sent: WitResponse, tag: EtagFn | undefined): WitResponse {
  let headers = resp.headers;
  const stale = etagOf(sent);
  if (stale !== undefined && !sameBytes(resp.body, sent.body) && etagOf(resp) === stale) {
    headers = headers.filter(([k]) => !isEtag(k));
  }
  if (tag !== undefined && !headers.some(([k]) => isEtag(k))) {
    const value = tag(Buffer.from(resp.body.buffer, resp.body.byteOffset, resp.body.byteLength));
    if (value) headers = [...headers, ['ETag', value]];
  }
  return headers === resp.headers ? resp : { ...resp, headers };
}

/** Express's freshness of `req` against the head now on `res` with `status` (its `req.fresh`). */
export function isFresh(req: IncomingMessage, res: ServerResponse, status: number): boolean {
  // Not without a conditional header (as `fresh` itself decides first): no getter chain then.
  const h = req.headers;
  if (h['if-none-match'] === undefined && h['if-modified-since'] === undefined) return false;
  res.statusCode = status;
  return (req as { fresh?: unknown }).fresh === true;
}

/** What Express removes from a 304 (its `res.send`). */
export const NOT_MODIFIED_STRIPPED = ['content-type', 'content-length', 'transfer-encoding'] as const;
