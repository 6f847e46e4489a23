import { GuestInvalidOutputError } from './errors.js';
import { isAbsoluteForm, isFieldValue, isToken } from './http.js';
import { DEFAULT_LIMITS, type ResponseLimits } from './limits.js';
import type { HeaderList, WitRequest, WitResponse } from './types.js';

// What stages, handlers and upstreams produce is checked here, by every layer that takes it
// from them (segments, the pool, the terminal): it must be writable on the wire as is.

// A request target is visible ASCII (RFC 9112 §3.2): no space, no control.
const BAD_URI = /[^\x21-\x7e]/;

function checkHeaders(stage: string, headers: HeaderList): void {
  for (const [name, value] of headers) {
    if (!isToken(name)) throw new GuestInvalidOutputError(stage, `header name ${JSON.stringify(name)} is not a token`);
    if (!isFieldValue(value)) {
      throw new GuestInvalidOutputError(stage, `header ${name} has a forbidden character (CR, LF, NUL or control)`);
    }
  }
}

/**
 * A response head within the limits (what {@link checkResponse} checks that a check of the
 * response's bytes does not: a fused segment's exit checks those in the guest's memory,
 * abi/hop-check.ts). Counted from string lengths alone: a valid field value
 * is Latin-1 (one byte a character on the wire) and a name is ASCII, so length is size; a
 * value that is not is refused by {@link checkHeaders} after this.
 */
export function checkHeadSize(stage: string, headers: HeaderList, limits: ResponseLimits = DEFAULT_LIMITS): void {
  const n = headers.length;
  if (n > limits.maxResponseHeaderCount) {
    throw new GuestInvalidOutputError(stage, `${n} response headers, more than maxResponseHeaderCount (${limits.maxResponseHeaderCount})`);
  }
  // "HTTP/1.1 200 Reason\r\n" (reasons are short) and "name: value\r\n" each.
  let size = 32;
  for (let i = 0; i < n; i++) size += headers[i][0].length + headers[i][1].length + 4;
  if (size > limits.maxResponseHeaderBytes) {
    throw new GuestInvalidOutputError(stage, `a response head of ${size} bytes, more than maxResponseHeaderBytes (${limits.maxResponseHeaderBytes})`);
  }
}

/**
 * A response a stage or handler produced must be writable as is, or it is a 502. `limits`:
 * the pipeline's; where a caller has none at hand, the defaults.
 */
export function checkResponse(stage: string, resp: WitResponse, limits: ResponseLimits = DEFAULT_LIMITS): WitResponse {
  const { status } = resp;
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    throw new GuestInvalidOutputError(stage, `status ${status} is not a final HTTP status (200-599)`);
  }
  checkHeadSize(stage, resp.headers, limits);
  checkHeaders(stage, resp.headers);
  if ((status === 204 || status === 304) && resp.body.byteLength > 0) {
    throw new GuestInvalidOutputError(stage, `a ${status} response cannot have a body`);
  }
  return resp;
}

/** A request a stage passes on must be a valid HTTP request, or it is a 502. */
export function checkRequest(stage: string, req: WitRequest): WitRequest {
  if (!isToken(req.method)) throw new GuestInvalidOutputError(stage, `method ${JSON.stringify(req.method)} is not a token`);
  if (req.uri.length === 0 || BAD_URI.test(req.uri) || !(req.uri[0] === '/' || req.uri === '*' || isAbsoluteForm(req.uri))) {
    throw new GuestInvalidOutputError(stage, `uri ${JSON.stringify(req.uri.slice(0, 100))} is not a valid request target`);
  }
  checkHeaders(stage, req.headers);
  return req;
}
