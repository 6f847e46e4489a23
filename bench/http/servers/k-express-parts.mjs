// (k), (l), (m): where (h)'s cost over (c) goes, one part at a time (run with `--only
// c,h,k,l,m`, and in the smoke run; not in the full run). Each is the Express app of (h) with
// less in front of its route: (k) nothing, (l) `toExpress` of a pipeline with no stage (the
// adapter's way in and out: the request read and handed on unchanged, `next()`, the route
// writing directly; (h)'s auth changes the request, whose fields are then rebuilt), (m) one
// stage with a response phase (transform, setting the response header): the response
// held back, run through the stage and written again. So (l) − (k) is the adapter
// passing a request through, (m) − (l) holding a response back (and one small stage), and
// (h) − (m) the three stages past that, to set against (c) − (k): Express's own middleware.
// No auth runs here, so the route reports the fixed subject, as (a) does. The apps are in
// express-apps.mjs.
import { createServer } from 'node:http';
import { expressApp } from './express-apps.mjs';
import { listen } from './serve.mjs';

const part = process.argv[3];
if (!['k', 'l', 'm'].includes(part)) throw new Error(`k-express-parts.mjs: which part (k, l or m), got ${part}`);
listen(createServer((await expressApp(part)).app));
