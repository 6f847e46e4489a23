// The Express apps of rows (c), (h), (k), (l) and (m), built in one place: the servers
// (c-express.mjs, h-witline-express.mjs, k-express-parts.mjs) listen with them, and
// bench/http/inproc.mjs drives the same apps in process, without a socket.
import express from 'express';
import * as core from 'witline';
import * as adapter from 'witline/express';
import * as bundled from 'witline/middleware';
import { clientKey, tokenBuckets, tooMany, transformBody, unauthorized, verifyBearer } from '../logic.mjs';
import { handlerBody, PATH, SERVED_BY, SUBJECT } from '../workload.mjs';
import { quietLogger, stages } from './witline-app.mjs';

/** (c): the logic as `app.use` middleware (bench/http/logic.mjs), Express's defaults (x-powered-by, ETag) left on. */
function logicMiddleware(app) {
  const buckets = tokenBuckets();
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
}

/** The rows whose server is an Express app built here. */
export const EXPRESS_ROWS = ['c', 'h', 'k', 'l', 'm'];

/** The rows whose app runs witline: an A/B of two builds runs these once per build. */
export const WITLINE_ROWS = ['h', 'l', 'm'];

/**
 * The app of row `id` and what closes it. (h): (f)'s stages mounted with
 * `app.use(toExpress(p))` in front of the route; (k) the route alone; (l) `toExpress` of a
 * pipeline with no stage; (m) of one stage with a response phase (transform, setting the
 * response header). (k)–(m) run no auth: their route reports the fixed subject.
 * `witline`: the build to use (its `witline`, `witline/express` and `witline/middleware`
 * modules); this package's by default.
 */
export async function expressApp(id, witline = { core, adapter, bundled }) {
  if (!EXPRESS_ROWS.includes(id)) throw new Error(`express-apps.mjs: no Express app for row ${id}`);
  const app = express();
  let p;
  if (id === 'c') logicMiddleware(app);
  else if (id !== 'k') {
    const { transform } = witline.bundled;
    const chosen = id === 'h' ? stages(witline.bundled) : id === 'm' ? [transform({ response: { setHeaders: { [SERVED_BY[0]]: SERVED_BY[1] } } })] : [];
    p = witline.core.pipeline(chosen, { logger: quietLogger });
    await p.ready(); // load before the ready line, as listen() does for (e) and (f)
    app.use(witline.adapter.toExpress(p));
  }
  const authenticated = id === 'c' || id === 'h';
  app.get(PATH, (req, res) => {
    res.type('application/json').send(handlerBody(authenticated ? (req.headers['x-auth-subject'] ?? null) : SUBJECT));
  });
  return { app, close: () => p?.close() };
}
