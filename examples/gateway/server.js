// `npm start`: the example gateway on $PORT (default 8080).
import { demoToken, startGateway } from './gateway.js';

const t0 = performance.now();
const port = Number(process.env.PORT ?? 8080);
const gw = await startGateway({ port, host: process.env.HOST ?? '127.0.0.1' });
const startMs = performance.now() - t0;
const cache = gw.pipeline
  .describe()
  .stages.map((s) => `${s.name}: ${s.cache}`)
  .join(', ');

console.log(`witline gateway listening on ${gw.url} (ready in ${startMs.toFixed(0)} ms; transpile cache ${cache})`);
console.log('');
console.log('Try it (a valid demo token, good for 24 h):');
console.log(`  curl -i -H 'Authorization: Bearer ${demoToken()}' ${gw.url}/api/items`);
console.log('Without a token the gateway answers 401:');
console.log(`  curl -i ${gw.url}/api/items`);
console.log('Past 5 quick requests from one client it answers 429 (one more token per second).');

const stop = async () => {
  await gw.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
