// (e) witline per hop (`fusion: 'off'`): every hop lifted to JS objects and awaited.
import { pipeline } from 'witline';
import { handler, quietLogger, stages } from './witline-app.mjs';
import { HOST, onStop, PORT, ready } from './serve.mjs';

const p = pipeline(stages(), { handler, fusion: 'off', logger: quietLogger });
const server = await p.listen({ port: PORT, host: HOST });
ready(server.address().port);
onStop(() => p.close());
