// (h) witline behind the Express adapter: the same three stages mounted with
// `app.use(toExpress(p))` in front of an Express route that is the handler. Express's
// defaults (x-powered-by, ETag) stay on, as in (c), so (h) vs (c) is the adapter's
// cost against Express's own middleware chain.
import { createServer } from 'node:http';
import { expressApp } from './express-apps.mjs';
import { listen } from './serve.mjs';

listen(createServer((await expressApp('h')).app));
