// hello-js: the JavaScript example stage (middleware/sdk-js), the same behaviour as hello-c:
//   request phase:  passes the request on with `x-client-address: <context.remote-address>`;
//                   a request to `/hello-js/count` is answered here, with the number of such
//                   requests so far from the shared kv counter `hello-js:count`;
//   response phase: sets `x-hello: <greeting>` (setting `greeting`, default "js").
// Built by `npm run build:middleware` (componentize-qjs) into build/middleware/hello-js.wasm.
import { next, respond, setHeader } from '../sdk-js/index.js';
import { kv } from '../sdk-js/kv.js';
import { remoteAddress } from '../sdk-js/context.js';

let greeting = 'js';

/** @type {import('../sdk-js/index.js').Configure} */
export function configure(config) {
  for (const [key, value] of config) {
    if (key === 'greeting') greeting = value;
    else return `hello-js: unknown setting ${key}`;
  }
}

/** @type {import('../sdk-js/index.js').OnRequest} */
export function onRequest(req) {
  if (req.uri === '/hello-js/count') {
    const n = kv.incr('hello-js:count', 1);
    return respond(200, [['content-type', 'text/plain']], String(n));
  }
  setHeader(req.headers, 'x-client-address', remoteAddress());
  return next(req);
}

/** @type {import('../sdk-js/index.js').OnResponse} */
export function onResponse(req, resp) {
  setHeader(resp.headers, 'x-hello', greeting);
  return resp;
}
