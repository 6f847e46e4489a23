// bench/http/profile.mjs: a CPU profile of one benchmark server under load, summarised
// by where server time goes (witline's own JS by folder, the guests' WebAssembly, Node's
// HTTP, GC, ...) and by the hottest functions. What issue notes quote as "the profile".
//
//   node bench/http/profile.mjs f [--seconds 10] [--top 25] [--keep DIR]
//   node bench/http/profile.mjs h --against c    both profiled in turn, and what (h) spends
//                                                per request more or less than (c), by
//                                                category and by function
//
// The server runs pinned to core 1 with --cpu-prof, autocannon (this process) on core 0;
// the profile is written when the server exits on SIGTERM. Times are per request served
// under load, so two rows compare even when their req/s differ.
import { mkdir, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { canPin, SERVERS, startServer, stopServer } from './servers.mjs';
import { benchLoads, benchToken } from './workload.mjs';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seconds: { type: 'string', default: '10' },
    top: { type: 'string', default: '25' },
    keep: { type: 'string' },
    against: { type: 'string' },
  },
});
const rowOf = (id) => SERVERS.find((s) => s.id === id) ?? fail(`no server ${id} (${SERVERS.map((s) => s.id).join(',')})`);
function fail(why) {
  throw new Error(`usage: profile.mjs <server id> [--against <server id>]: ${why}`);
}
const server = rowOf(positionals[0]);
const baseline = args.against === undefined ? undefined : rowOf(args.against);
const top = Number(args.top);

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

/** Profile `row` under load: its req/s, requests served, and self time per category and per function (µs per request). */
async function profileOf(row, dir) {
  await mkdir(dir, { recursive: true });
  const pinned = canPin(2);
  const running = await startServer(row, { core: pinned ? 1 : undefined, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
  const load = benchLoads(benchToken())[row.load];
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
  const requests = result.requests.total;
  const cats = new Map();
  const fns = new Map();
  for (const [id, t] of self) {
    const f = byId.get(id).callFrame;
    const c = category(f);
    cats.set(c, (cats.get(c) ?? 0) + t / requests);
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + t / requests);
  }
  const busy = [...cats].reduce((sum, [c, t]) => (c === 'idle' ? sum : sum + t), 0);
  return { row, reqPerSec: result.requests.average, requests, busy, cats, fns, path: join(dir, file) };
}

const head = (p) =>
  `(${p.row.id}) ${p.row.name}: ${Math.round(p.reqPerSec)} req/s over ${args.seconds} s, Node ${process.version}\n` +
  `busy CPU ${p.busy.toFixed(2)} µs/req over ${p.requests} requests; profile ${p.path}`;

function report(p) {
  const pct = (t) => `${((100 * t) / p.busy).toFixed(1)}%`;
  const us = (t) => `${t.toFixed(2)} µs/req`;
  console.log(head(p) + '\n');
  console.log('by category (share of busy CPU, µs per request):');
  for (const [c, t] of [...p.cats].filter(([c]) => c !== 'idle').sort((a, b) => b[1] - a[1]))
    console.log(`  ${pct(t).padStart(6)}  ${us(t).padStart(14)}  ${c}`);
  console.log(`\ntop ${top} functions by self time:`);
  for (const [k, t] of [...p.fns].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(t).padStart(6)}  ${k}`);
}

/** `p` against `base`: per category and per function, µs per request, the largest differences first. */
function compare(p, base) {
  console.log(`${head(base)}\n${head(p)}\n`);
  console.log(`(${p.row.id}) − (${base.row.id}): busy CPU ${(p.busy - base.busy).toFixed(2)} µs/req\n`);
  const table = (title, a, b, n) => {
    console.log(`${title} (µs per request: (${p.row.id}) − (${base.row.id}), (${base.row.id}), (${p.row.id})):`);
    const keys = [...new Set([...a.keys(), ...b.keys()])].map((k) => [k, a.get(k) ?? 0, b.get(k) ?? 0]);
    keys.sort((x, y) => Math.abs(y[2] - y[1]) - Math.abs(x[2] - x[1]));
    for (const [k, x, y] of keys.slice(0, n)) console.log(`  ${(y - x).toFixed(2).padStart(7)} ${x.toFixed(2).padStart(7)} ${y.toFixed(2).padStart(7)}  ${k}`);
    console.log('');
  };
  table('by category', base.cats, p.cats, Infinity);
  table(`top ${top} functions by the difference in self time`, base.fns, p.fns, top);
}

const dir = args.keep ?? (await mkdtemp(join(tmpdir(), 'witline-prof-')));
if (baseline === undefined) report(await profileOf(server, dir));
else {
  const base = await profileOf(baseline, join(dir, baseline.id));
  compare(await profileOf(server, join(dir, server.id)), base);
}
