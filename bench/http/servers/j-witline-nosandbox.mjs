// (j) witline fused with the sandbox off (`timeoutMs: 0, maxMemoryBytes: 0`): no deadline,
// no memory cap. (f) against (j) is the price of the defaults (the watchdog's frame around
// each guest call, the memory limits rewritten) over HTTP.
import { pipeline, stage } from 'witline';
import { handler, quietLogger, stages } from './witline-app.mjs';
import { HOST, onStop, PORT, ready } from './serve.mjs';

const p = pipeline(
  stages().map((s) => stage({ ...s, timeoutMs: 0, maxMemoryBytes: 0 })),
  { handler, logger: quietLogger },
);
const server = await p.listen({ port: PORT, host: HOST });
ready(server.address().port);
onStop(() => p.close());
