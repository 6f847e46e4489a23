// `npm run example:express`: the Express example on $PORT (default 3000).
import { demoToken, startExpressApp } from './app.js';

const app = await startExpressApp({ port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? '127.0.0.1' });
const auth = `-H 'Authorization: Bearer ${demoToken()}'`;
console.log(`witline + Express listening on ${app.url}`);
console.log('');
console.log('Add a note, then list them (a valid demo token, good for 24 h):');
console.log(`  curl -i ${auth} -H 'content-type: application/json' -d '{"text":"hello"}' ${app.url}/notes`);
console.log(`  curl -i ${auth} ${app.url}/notes`);
console.log('Without a token the pipeline answers 401 before Express routes run:');
console.log(`  curl -i ${app.url}/notes`);

const stop = async () => {
  await app.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
