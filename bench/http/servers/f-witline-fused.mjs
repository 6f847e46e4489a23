// (f) witline fused (the default, `fusion: 'auto'`): adjacent stages hand the request
// memory to memory, with no JS objects and no awaits in between.
import { pipeline } from 'witline';
import { handler, quietLogger, stages } from './witline-app.mjs';
import { HOST, onStop, PORT, ready } from './serve.mjs';

const p = pipeline(stages(), { handler, logger: quietLogger });
const server = await p.listen({ port: PORT, host: HOST });
ready(server.address().port);
onStop(() => p.close());
