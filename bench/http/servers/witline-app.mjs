// The witline side of the workload, shared by servers (e)–(h): the three bundled
// middlewares configured to do what bench/http/logic.mjs does, and the handler.
import * as bundled from 'witline/middleware';
import { CLIENT_HEADER, handlerBody, JSON_FIELD, PATH, RATE, SECRET, SERVED_BY } from '../workload.mjs';

/** The stages, made by `middleware` (witline's bundled middleware; another build's, for an A/B of builds). */
export function stages({ auth, rateLimit, transform } = bundled) {
  return [
    auth({ secret: SECRET }),
    rateLimit({ ...RATE, key: { header: CLIENT_HEADER } }),
    transform({ response: { setHeaders: { [SERVED_BY[0]]: SERVED_BY[1] }, json: { set: { [JSON_FIELD[0]]: JSON_FIELD[1] } } } }),
  ];
}

const JSON_HEADERS = [['content-type', 'application/json']];

/** The terminal handler, as a witline Handler function. */
export function handler(req) {
  if (req.uri !== PATH) return { status: 404, headers: JSON_HEADERS, body: '{"error":"not found"}' };
  let subject = null;
  for (const [k, v] of req.headers) if (k.toLowerCase() === 'x-auth-subject') subject = v;
  return { status: 200, headers: JSON_HEADERS, body: handlerBody(subject) };
}

/** Errors only: a benchmark must not measure log writes. */
export const quietLogger = { debug() {}, info() {}, warn() {}, error: (msg, f) => console.error(msg, f ?? '') };
