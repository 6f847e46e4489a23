// bench/http/profile.mjs: a CPU profile of one benchmark server under load, summarised
// by where server time goes (witline's own JS by folder, the guests' WebAssembly, Node's
// HTTP, GC, ...) and by the hottest functions. What issue notes quote as "the profile".
//
//   node bench/http/profile.mjs f [--seconds 10] [--top 25] [--keep DIR]
//
// The server runs pinned to core 1 with --cpu-prof, autocannon (this process) on core 0;
// the profile is written when the server exits on SIGTERM.
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { canPin, SERVERS, startServer, stopServer } from './servers.mjs';
import { benchLoads, benchToken } from './workload.mjs';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { seconds: { type: 'string', default: '10' }, top: { type: 'string', default: '25' }, keep: { type: 'string' } },
});
const server = SERVERS.find((s) => s.id === positionals[0]);
if (!server) throw new Error(`usage: profile.mjs <server id: ${SERVERS.map((s) => s.id).join(',')}>`);

const dir = args.keep ?? (await mkdtemp(join(tmpdir(), 'witline-prof-')));
const pinned = canPin(2);
const running = await startServer(server, { core: pinned ? 1 : undefined, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
const load = benchLoads(benchToken())[server.load];
const result = await autocannon({
  url: running.url + '/items',
  method: load.method,
  headers: load.headers,
  body: load.body,
  connections: 50,
  duration: Number(args.seconds),
});
await stopServer(running);

const file = (await readdir(dir)).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error(`no profile written in ${dir}`);
const profile = JSON.parse(await readFile(join(dir, file), 'utf8'));

// Self time per node, from the sample counts and time deltas.
const self = new Map();
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);

function category(frame) {
  const { url, functionName } = frame;
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)') return 'program (native, unattributed)';
  if (url.startsWith('wasm://') || /^\$?wasm-function/.test(functionName) || (url === '' && /^\$/.test(functionName))) return 'WebAssembly (guests, hop)';
  const m = /\/(dist|src)\/(.*)$/.exec(url);
  if (m && !url.includes('node_modules')) return `witline ${m[2].split('/').slice(0, -1).join('/') || m[2].split('-')[0]}`;
  if (url.includes('/bench/http/')) return 'bench handler/logic';
  if (url.startsWith('node:_http') || url.startsWith('node:http')) return 'node:http';
  if (url.startsWith('node:net') || url.startsWith('node:internal/stream') || url.startsWith('node:stream') || url.includes('streams'))
    return 'node streams/net';
  if (url.startsWith('node:')) return `node other (${url.slice(5).split('/').slice(0, 2).join('/')})`;
  if (url === '') return `native/builtin`;
  return url.includes('node_modules') ? `dependency ${url.split('node_modules/').pop().split('/')[0]}` : url;
}

const cats = new Map();
const fns = new Map();
for (const [id, t] of self) {
  const f = byId.get(id).callFrame;
  const c = category(f);
  cats.set(c, (cats.get(c) ?? 0) + t);
  const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
  fns.set(key, (fns.get(key) ?? 0) + t);
}
const busy = total - (cats.get('idle') ?? 0);
const pct = (t) => `${((100 * t) / busy).toFixed(1)}%`;
const us = (t) => `${(t / result.requests.total).toFixed(2)} µs/req`;
console.log(`(${server.id}) ${server.name}: ${Math.round(result.requests.average)} req/s over ${args.seconds} s, Node ${process.version}`);
console.log(`busy CPU ${(busy / 1e6).toFixed(2)} s for ${result.requests.total} requests = ${us(busy)}; profile ${join(dir, file)}\n`);
console.log('by category (share of busy CPU, µs per request):');
for (const [c, t] of [...cats].filter(([c]) => c !== 'idle').sort((a, b) => b[1] - a[1])) console.log(`  ${pct(t).padStart(6)}  ${us(t).padStart(14)}  ${c}`);
console.log(`\ntop ${args.top} functions by self time:`);
for (const [k, t] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, Number(args.top))) console.log(`  ${pct(t).padStart(6)}  ${k}`);
