import { BadRequestError } from './errors.js';
import type { HeaderList } from './types.js';

/**
 * The request target as stages see it, the same on a socket and in `inject()`: what a
 * stage checks (an auth rule on `/admin`, a rate limit per path) is what the upstream gets.
 *
 * - **Absolute form** (`GET http://host/x HTTP/1.1`, RFC 9112 §3.2.2): a server must accept
 *   it, and its authority replaces `Host`. witline is a gateway for one origin, not a
 *   forward proxy: a target naming the host the client also sent in `Host` is turned into
 *   its origin form (path and query); one naming another authority is refused with 400
 *   rather than forwarded, as it asks for a proxy witline is not (and a stage would see one
 *   host while the upstream serves another).
 * - **Dot-segments** (`/api/../admin`, `/a/./b`, also as `%2e`): removed per RFC 3986
 *   §5.2.4, after decoding `%2e` (an unreserved character, RFC 3986 §6.2.2.2), as nginx
 *   does. Normalised rather than refused: the result is the resource any RFC 3986 reader
 *   resolves the target to, and clients that send such targets keep working. `%2f` is data
 *   in a segment per RFC 3986 and is left alone: an upstream that decodes it into a `/`
 *   sees a path the stages did not (documented in the README's security model).
 * - **A second `Host`** (RFC 9112 §3.2): 400.
 */
export function requestTarget(uri: string, headers: HeaderList): string {
  let host: string | undefined;
  for (let i = 0; i < headers.length; i++) {
    const k = headers[i][0];
    if (k.length !== 4 || k.toLowerCase() !== 'host') continue;
    if (host !== undefined) throw new BadRequestError('more than one Host header (RFC 9112 §3.2)');
    host = headers[i][1];
  }
  let target = uri;
  if (target.charCodeAt(0) !== 47 /* / */) {
    if (target === '*') return target;
    target = originForm(target, host);
  }
  // Most targets have neither a dot-segment nor a percent sign: one scan, no allocation.
  return DOT_SEGMENT.test(target) ? removeDotSegments(target) : target;
}

// A `.` or `..` segment, plain or with %2e, anywhere before the query.
const DOT_SEGMENT = /^[^?#]*?\/(?:\.|%2e){1,2}(?:[/?#]|$)/i;

/** The path and query of an absolute-form target whose authority is `host`; 400 otherwise. */
function originForm(target: string, host: string | undefined): string {
  const m = /^(https?):\/\/([^/?#]*)/i.exec(target);
  if (!m) throw new BadRequestError(`invalid request target ${JSON.stringify(target.slice(0, 100))}`);
  const authority = sameAuthority(m[1], m[2]);
  if (host === undefined || authority !== sameAuthority(m[1], host)) {
    throw new BadRequestError(`the absolute-form target names ${JSON.stringify(m[2])}, not this server's Host`);
  }
  return pathAndQuery(target);
}

/** The path and query of an absolute-form target (`http://host/p?q` → `/p?q`, `http://host` → `/`). */
export function pathAndQuery(target: string): string {
  const rest = /^https?:\/\/[^/?#]*([^#]*)/i.exec(target)?.[1] ?? '';
  return rest === '' ? '/' : rest[0] === '?' ? `/${rest}` : rest;
}

/** An authority compared case-insensitively, with the scheme's default port made explicit. */
function sameAuthority(scheme: string, authority: string): string {
  const a = authority.toLowerCase();
  // `[::1]:8080` ends in its port; `[::1]` and `host` have none.
  return /:\d+$/.test(a) ? a : `${a}:${scheme.toLowerCase() === 'https' ? 443 : 80}`;
}

/** RFC 3986 §5.2.4 on the path (with `%2e` decoded first); the query is kept as is. */
export function removeDotSegments(target: string): string {
  const q = target.search(/[?#]/);
  const path = (q < 0 ? target : target.slice(0, q)).replace(/%2e/gi, '.');
  const query = q < 0 ? '' : target.slice(q);
  const out: string[] = [];
  const segments = path.split('/');
  // segments[0] is the empty string before the leading '/'.
  for (let i = 1; i < segments.length; i++) {
    const s = segments[i];
    const last = i === segments.length - 1;
    if (s === '.' || s === '..') {
      if (s === '..' && out.length > 0) out.pop();
      // A trailing dot-segment leaves a directory: `/a/b/..` is `/a/`.
      if (last) out.push('');
      continue;
    }
    out.push(s);
  }
  return `/${out.join('/')}${query}`;
}
