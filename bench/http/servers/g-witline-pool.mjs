// (g) witline with a CPU-heavy stage pooled: the signature stage (HMAC-SHA256 over the
// request body) runs in front of the same three stages, on a piscina worker pool.
// What differs from (f), and why:
//   - the load is a POST carrying a 4 KiB body signed for it (see SIGNED_BODY), since
//     that is the work the stage exists for; the answer is the same as every row's;
//   - the server is pinned to one core like every other, so the pool has one worker:
//     it takes the hashing off the event loop but cannot add a core. The row shows the
//     price of the worker hop plus the hashing, not a speed-up.
import { pipeline } from 'witline';
import { signature } from 'witline/middleware';
import { SIGNATURE_SECRET } from '../workload.mjs';
import { handler, quietLogger, stages } from './witline-app.mjs';
import { HOST, onStop, PORT, ready } from './serve.mjs';

const pooled = signature({ secret: SIGNATURE_SECRET, pool: { minThreads: 1, maxThreads: 1 } });
const p = pipeline([pooled, ...stages()], { handler, logger: quietLogger });
const server = await p.listen({ port: PORT, host: HOST });
ready(server.address().port);
onStop(() => p.close());
