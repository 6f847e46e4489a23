// (h) witline behind the Express adapter: the same three stages mounted with
// `app.use(toExpress(p))` in front of an Express route that is the handler. Express's
// defaults (x-powered-by, ETag) stay on, as in (c), so (h) vs (c) is the adapter's
// cost against Express's own middleware chain.
import { createServer } from 'node:http';
import express from 'express';
import { pipeline } from 'witline';
import { toExpress } from 'witline/express';
import { handlerBody, PATH } from '../workload.mjs';
import { quietLogger, stages } from './witline-app.mjs';
import { listen } from './serve.mjs';

const p = pipeline(stages(), { logger: quietLogger });
await p.ready(); // load before the ready line, as listen() does for (e) and (f)
const app = express();
app.use(toExpress(p));
app.get(PATH, (req, res) => {
  res.type('application/json').send(handlerBody(req.headers['x-auth-subject'] ?? null));
});
listen(createServer(app));
