// (d) Fastify 5, the logic as hooks (bench/http/logic.mjs): auth and rate limit in
// onRequest, the transform in onSend (where Fastify lets a hook replace the payload).
import Fastify from 'fastify';
import { clientKey, tokenBuckets, tooMany, transformBody, unauthorized, verifyBearer } from '../logic.mjs';
import { handlerBody, PATH, SERVED_BY } from '../workload.mjs';
import { HOST, onStop, PORT, ready } from './serve.mjs';

const buckets = tokenBuckets();
const app = Fastify({ logger: false });

const reply = (rep, { status, headers, body }) => rep.code(status).headers(headers).send(body);

app.addHook('onRequest', async (req, rep) => {
  const auth = verifyBearer(req.headers.authorization);
  if (auth.error) return reply(rep, unauthorized(auth.error));
  delete req.headers['x-auth-subject'];
  if (auth.subject !== undefined) req.headers['x-auth-subject'] = auth.subject;
});

app.addHook('onRequest', async (req, rep) => {
  const key = clientKey(req.headers);
  const wait = buckets.take(key);
  if (wait !== null) return reply(rep, tooMany(wait));
  rep.headers(buckets.headers(key));
});

app.addHook('onSend', async (req, rep, payload) => {
  rep.header(SERVED_BY[0], SERVED_BY[1]);
  return typeof payload === 'string' ? transformBody(payload, rep.getHeader('content-type')) : payload;
});

app.get(PATH, async (req, rep) => {
  rep.type('application/json');
  return handlerBody(req.headers['x-auth-subject'] ?? null);
});

await app.listen({ port: PORT, host: HOST });
ready(app.server.address().port);
onStop(() => app.close());
