import { BadRequestError } from '../core/errors.js';
import { bodyBytes, headerList, type HeadersInit, type RequestContext, type WitRequest, type WitResponse } from '../core/types.js';
import { isAbsoluteForm, isFieldValue, isToken, wireHeaders } from '../core/http.js';
import { checkBodySize, checkHead, type Limits } from '../core/limits.js';
import { requestTarget } from '../core/target.js';

/** A request for {@link Pipeline.inject}. */
export interface InjectRequest {
  method?: string;
  /** Path and query (or an absolute-form target naming the `host` header's authority); default `/`. */
  url?: string;
  headers?: HeadersInit;
  body?: string | Uint8Array;
  /** The client address guests see through the `context` capability. Default 127.0.0.1. */
  remoteAddress?: string;
}

/** What {@link Pipeline.inject} resolves to. */
export interface InjectResponse {
  status: number;
  /** Lower-cased names; repeated headers joined with ", " (set-cookie kept as an array). */
  headers: Record<string, string | string[]>;
  /** Headers as sent, in order, with their case. */
  rawHeaders: Array<[string, string]>;
  body: Buffer;
  text(): string;
  json<T = unknown>(): T;
}

/** Build the WIT request an injected request stands for, applying the socket's limits. */
export function injectedRequest(opts: InjectRequest, limits: Limits): { req: WitRequest; ctx: RequestContext } {
  const method = (opts.method ?? 'GET').toUpperCase();
  const target = opts.url ?? '/';
  if (!isToken(method)) throw new BadRequestError(`invalid method ${JSON.stringify(method)}`);
  if (!target.startsWith('/') && target !== '*' && !isAbsoluteForm(target)) throw new BadRequestError(`invalid request target ${JSON.stringify(target)}`);
  const headers = headerList(opts.headers);
  // What a socket could never deliver is refused here too, so inject() and listen() agree.
  for (const [k, v] of headers) {
    if (!isToken(k)) throw new BadRequestError(`invalid header name ${JSON.stringify(k)}`);
    if (!isFieldValue(v)) throw new BadRequestError(`invalid character in header ${k}`);
  }
  checkHead(method, target, headers, limits);
  const uri = requestTarget(target, headers);
  const body = opts.body === undefined ? undefined : bodyBytes(opts.body);
  if (body) {
    checkBodySize(body.byteLength, limits);
    if (!headers.some(([k]) => k.toLowerCase() === 'content-length')) headers.push(['content-length', String(body.byteLength)]);
  }
  return { req: { method, uri, headers, body }, ctx: { remoteAddress: opts.remoteAddress ?? '127.0.0.1' } };
}

/** The response as a client would read it: framing headers set by the host, as on a socket. */
export function injectResponse(resp: WitResponse): InjectResponse {
  const raw = wireHeaders(resp);
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of raw) {
    const l = k.toLowerCase();
    const prev = headers[l];
    if (l === 'set-cookie') headers[l] = [...((prev as string[] | undefined) ?? []), v];
    else headers[l] = prev === undefined ? v : `${prev}, ${v}`;
  }
  const body = Buffer.from(resp.body.buffer, resp.body.byteOffset, resp.body.byteLength);
  return {
    status: resp.status,
    headers,
    rawHeaders: raw,
    body,
    text: () => body.toString('utf8'),
    json: () => JSON.parse(body.toString('utf8')),
  };
}
