// (c) Express 5, the logic as `app.use` middleware (bench/http/logic.mjs), with
// Express's defaults (x-powered-by, ETag) left on, as an Express app ships them.
import { createServer } from 'node:http';
import express from 'express';
import { clientKey, tokenBuckets, tooMany, transformBody, unauthorized, verifyBearer } from '../logic.mjs';
import { handlerBody, PATH, SERVED_BY } from '../workload.mjs';
import { listen } from './serve.mjs';

const buckets = tokenBuckets();
const app = express();

const reply = (res, { status, headers, body }) => res.status(status).set(headers).send(body);

app.use((req, res, next) => {
  const auth = verifyBearer(req.headers.authorization);
  if (auth.error) return reply(res, unauthorized(auth.error));
  delete req.headers['x-auth-subject'];
  if (auth.subject !== undefined) req.headers['x-auth-subject'] = auth.subject;
  next();
});

app.use((req, res, next) => {
  const key = clientKey(req.headers);
  const wait = buckets.take(key);
  if (wait !== null) return reply(res, tooMany(wait));
  res.set(buckets.headers(key));
  next();
});

// The transform: wraps res.send, the one place every body passes, as Express middleware must.
app.use((req, res, next) => {
  const send = res.send;
  res.send = function (body) {
    if (typeof body === 'string') body = transformBody(body, res.get('content-type'));
    res.set(SERVED_BY[0], SERVED_BY[1]);
    return send.call(this, body);
  };
  next();
});

app.get(PATH, (req, res) => {
  res.type('application/json').send(handlerBody(req.headers['x-auth-subject'] ?? null));
});

listen(createServer(app));
