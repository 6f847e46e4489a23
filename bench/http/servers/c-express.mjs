// (c) Express 5, the logic as `app.use` middleware (bench/http/logic.mjs), with
// Express's defaults (x-powered-by, ETag) left on, as an Express app ships them.
import { createServer } from 'node:http';
import { expressApp } from './express-apps.mjs';
import { listen } from './serve.mjs';

listen(createServer((await expressApp('c')).app));
