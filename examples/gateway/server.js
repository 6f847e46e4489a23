// `npm start`: the demo API, and the `witline` CLI serving the gateway config in front of it on $PORT (default 8080).
// Usage: node examples/gateway/server.js [config file]
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { startApi } from './api.js';
import { CONFIG, demoToken } from './gateway.js';

const configFile = process.argv[2] ?? CONFIG;
// The CLI as an installed package runs it: the `bin` of witline's package.json.
const pkgFile = createRequire(import.meta.url).resolve('witline/package.json');
const cli = join(dirname(pkgFile), createRequire(import.meta.url)(pkgFile).bin.witline);

const t0 = performance.now();
const api = await startApi();
const args = [cli, 'serve', '--config', configFile, '--upstream', api.url];
if (process.env.PORT !== undefined) args.push('--port', process.env.PORT);
if (process.env.HOST !== undefined) args.push('--host', process.env.HOST);
const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });

// The CLI's log lines pass through; its `listening` line gives the address for the instructions, printed first.
let ready = false;
const held = [];
createInterface({ input: child.stdout }).on('line', (line) => {
  if (ready) return console.log(line);
  held.push(line);
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return;
  }
  if (entry.msg !== 'listening') return;
  ready = true;
  const url = entry.url;
  console.log(`witline gateway listening on ${url} (ready in ${(performance.now() - t0).toFixed(0)} ms; stages ${entry.stages.join(' → ')})`);
  console.log('');
  console.log('Try it (a valid demo token, good for 24 h):');
  console.log(`  curl -i -H 'Authorization: Bearer ${demoToken('demo-user', { configFile })}' ${url}/api/items`);
  console.log('Without a token the gateway answers 401:');
  console.log(`  curl -i ${url}/api/items`);
  console.log('Past 5 quick requests from one client it answers 429 (one more token per second).');
  console.log('');
  for (const l of held) console.log(l);
});

child.on('exit', (code, signal) => {
  api.server.close();
  process.exit(code ?? (signal ? 1 : 0));
});
const stop = () => child.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
