import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * `res.send` of a held response, without the framing Express's `send` does for the wire.
 *
 * Before its `end`, Express's `res.send` frames the body for the socket: a Buffer of a
 * string, a Content-Length, an ETag over the bytes and a freshness check against it. Behind
 * a response phase none of that is for the bytes that leave (witline frames the final body,
 * and tags and judges it as Express would: express-validators.ts), and on Express's
 * responses every header call misses V8's property caches, each request's response having
 * a map of its own (bench/http's in-process rows on Node 20: about 0.5 µs an access). So a
 * held response's `send` of a string or a Buffer takes only what Express's `send` gives the
 * response itself — its Content-Type, and the body's bytes — and the rest is left to the
 * final write. Anything whose outcome depends on more of Express (an object, which Express
 * makes `res.json`, and so a string sent back through here; a status without a body; a
 * HEAD; a Content-Type only Express's parser can rewrite) is sent by Express's own `send`.
 */

/** `type/subtype`, as the content-type module takes a media type to be (RFC 9110 §8.3.1). */
const MEDIA_TYPE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** What Express's `setCharset(type, 'utf-8')` makes of a bare media type, and leaves alone. */
const UTF8 = '; charset=utf-8';
/** Express's `res.type('html')` and `res.type('bin')` (its mime lookup of each). */
const HTML = 'text/html; charset=utf-8';
const BIN = 'application/octet-stream';

/** The statuses whose body Express's `send` drops (after tagging it). */
export const dropsBody = (status: number): boolean => status === 204 || status === 205 || status === 304;

/** Whether Express's `send` sends `body` as JSON (through `res.json`, which sends a string back to `send`). */
export const sentAsJson = (body: unknown): boolean =>
  (typeof body === 'object' && body !== null && !ArrayBuffer.isView(body)) || typeof body === 'number' || typeof body === 'boolean';

/** What `res.send(body)` gives a held response: the Content-Type to set (none: leave it) and the body. */
export interface Sent {
  type: string | undefined;
  body: Buffer;
}

/** The Content-Type Express's `send` sets for a string body, given the one on the response; undefined: only Express knows. */
function stringType(current: unknown): string | undefined {
  if (current === undefined) return HTML;
  if (typeof current !== 'string') return undefined;
  if (MEDIA_TYPE.test(current)) return current.toLowerCase() + UTF8;
  // Already in the form setCharset formats: unchanged by it.
  if (!current.endsWith(UTF8)) return undefined;
  const type = current.slice(0, -UTF8.length);
  return MEDIA_TYPE.test(type) && type === type.toLowerCase() ? current : undefined;
}

/**
 * What Express's `res.send(body)` (its one-argument form) gives `res`, for a body it sends
 * as it is; undefined when Express's own `send` must run.
 */
export function plainSend(req: IncomingMessage, res: ServerResponse, body: unknown): Sent | undefined {
  if (dropsBody(res.statusCode) || req.method === 'HEAD') return undefined;
  if (typeof body === 'string') {
    const type = stringType(res.getHeader('content-type'));
    return type === undefined ? undefined : { type, body: Buffer.from(body, 'utf8') };
  }
  if (Buffer.isBuffer(body)) return { type: res.getHeader('content-type') ? undefined : BIN, body };
  return undefined;
}
