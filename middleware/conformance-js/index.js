// conformance-js: the conformance guest in JavaScript on the project's SDK (middleware/sdk-js),
// test/conformance/: passes the request on with `x-echo-trail: js` appended, and appends
// `x-echo: js` to the response, as middleware/echo does in pass mode.
import { appendHeader, next } from '../sdk-js/index.js';

/** @type {import('../sdk-js/index.js').OnRequest} */
export function onRequest(req) {
  appendHeader(req.headers, 'x-echo-trail', 'js');
  return next(req);
}

/** @type {import('../sdk-js/index.js').OnResponse} */
export function onResponse(req, resp) {
  appendHeader(resp.headers, 'x-echo', 'js');
  return resp;
}
