// (b) node:http with the middleware logic as plain JS functions (bench/http/logic.mjs),
// called in onion order: auth, rate limit, handler, then the response phase in reverse
// (transform, rate-limit headers). The baseline every row's ratio is taken against.
import { createServer } from 'node:http';
import { clientKey, tokenBuckets, tooMany, transformBody, unauthorized, verifyBearer } from '../logic.mjs';
import { handlerBody, PATH, SERVED_BY } from '../workload.mjs';
import { listen } from './serve.mjs';

const buckets = tokenBuckets();

function send(res, { status, headers, body }) {
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

listen(
  createServer((req, res) => {
    const auth = verifyBearer(req.headers.authorization);
    if (auth.error) return send(res, unauthorized(auth.error));
    delete req.headers['x-auth-subject'];
    if (auth.subject !== undefined) req.headers['x-auth-subject'] = auth.subject;
    const key = clientKey(req.headers);
    const wait = buckets.take(key);
    if (wait !== null) return send(res, tooMany(wait));

    const resp =
      req.url === PATH
        ? { status: 200, headers: { 'content-type': 'application/json' }, body: handlerBody(req.headers['x-auth-subject'] ?? null) }
        : { status: 404, headers: { 'content-type': 'application/json' }, body: '{"error":"not found"}' };

    resp.headers[SERVED_BY[0]] = SERVED_BY[1];
    resp.body = transformBody(resp.body, resp.headers['content-type']);
    Object.assign(resp.headers, buckets.headers(key));
    send(res, resp);
  }),
);
