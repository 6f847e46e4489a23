// bench/http: the HTTP benchmark suite. Starts every server of servers.mjs as its own
// process (pinned to core 1 where taskset exists, this load generator to core 0),
// checks each answers right, warms each up, then loads them round-robin for several
// repetitions with autocannon and writes results/http-node<major>.{json,md,svg}.
//
//   npm run bench         build, then the full run on the machine's Node and on Node 26
//                         (about 6 minutes each), writes bench/results/http-node<major>.*
//                         and the README's benchmark section of each
//   npm run bench:smoke   2 s per server, 1 repetition, writes bench/results/tmp/http-smoke/
//   node bench/http/run.mjs [--smoke] [--only a,b,f (into bench/results/tmp/)] [--out DIR]
//   node bench/http/run.mjs --only c,h,k,l,m   (h) taken apart: rows k-m run when named (and in --smoke)
//   env: BENCH_DURATION, BENCH_WARMUP, BENCH_REPS, BENCH_CONNECTIONS
//
// Exits 1 if any server fails to start or gives one wrong answer: such a row is
// marked invalid in the results, which are still written.
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cpus, loadavg } from 'node:os';
import { preflight } from './check.mjs';
import { measure, runProblems } from './measure.mjs';
import { canPin, cpuSeconds, peakRssMiB, pinSelf, SERVERS, startServer, stopServer } from './servers.mjs';
import { machine, markdown, summarize, targets } from './report.mjs';
import { svgChart } from './chart.mjs';
import { updateReadme } from './readme.mjs';
import { benchLoads, benchToken } from './workload.mjs';

const { values: args } = parseArgs({ options: { smoke: { type: 'boolean' }, only: { type: 'string' }, out: { type: 'string' } } });
const env = (k, d) => (process.env[k] === undefined ? d : Number(process.env[k]));
const settings = args.smoke
  ? { durationSec: env('BENCH_DURATION', 2), warmupSec: env('BENCH_WARMUP', 1), reps: env('BENCH_REPS', 1), connections: env('BENCH_CONNECTIONS', 50) }
  : { durationSec: env('BENCH_DURATION', 8), warmupSec: env('BENCH_WARMUP', 3), reps: env('BENCH_REPS', 5), connections: env('BENCH_CONNECTIONS', 50) };
const root = fileURLToPath(new URL('../../', import.meta.url));
// Only full runs write the committed results; smoke and partial runs go to the ignored tmp/.
const outDir = args.out ?? `${root}bench/results${args.smoke ? '/tmp/http-smoke' : args.only ? '/tmp/http-only' : ''}`;
// One set of result files per Node major: `npm run bench` runs on the machine's Node and on Node 26.
const major = process.versions.node.split('.')[0];
const files = `http-node${major}`;
// The rows that take (h) apart run when named, and in the smoke run (every server answers right).
const servers = args.only ? SERVERS.filter((s) => args.only.split(',').includes(s.id)) : SERVERS.filter((s) => args.smoke || !s.part);
if (servers.length === 0) throw new Error(`--only ${args.only}: no such server (ids: ${SERVERS.map((s) => s.id).join(',')})`);

// The witline rows load the built package (dist/ and build/middleware/), as users do.
for (const f of ['dist/index.js', 'dist/middleware/index.js', 'build/middleware/auth.wasm']) {
  if (!existsSync(root + f)) throw new Error(`${f} is missing: run \`npm run build\` first (npm run bench does)`);
}

// A dist older than src/ would benchmark code that is no longer there: say so.
const newest = (d) =>
  readdirSync(d, { withFileTypes: true }).reduce((t, e) => Math.max(t, e.isDirectory() ? newest(`${d}/${e.name}`) : statSync(`${d}/${e.name}`).mtimeMs), 0);
if (newest(`${root}src`) > statSync(`${root}dist/index.js`).mtimeMs)
  console.warn('warning: src/ is newer than dist/: run `npm run build` to benchmark the current code');

const cores = cpus().length;
settings.pinned = canPin(cores);
if (settings.pinned) pinSelf(0);
const serverCore = settings.pinned ? 1 : undefined;
const log = (...a) => console.log(...a);
const m = machine();
log(`bench/http: ${m.cpu}, ${m.cores} cores, Node ${m.node}, load ${m.loadAverageAtStart.join(' ')}`);
log(
  `${servers.length} servers, ${settings.connections} connections, warm-up ${settings.warmupSec} s, ${settings.reps} × ${settings.durationSec} s, ${settings.pinned ? 'pinned' : 'not pinned'}`,
);

const loads = benchLoads(benchToken());
const problems = new Map(servers.map((s) => [s.id, []]));
const running = new Map();
const runs = [];
let fatal = null;

async function stopAll() {
  await Promise.all([...running.values()].map(stopServer));
}
process.once('SIGINT', () => stopAll().finally(() => process.exit(130)));

try {
  // Start one at a time: a start (transpile, compile) must not overlap another's.
  for (const s of servers) {
    const load = loads[s.load];
    if (!load) throw new Error(`(${s.id}) ${s.name}: no '${s.load}' load defined in workload.mjs`);
    const t0 = performance.now();
    const r = await startServer(s, { core: serverCore });
    running.set(s.id, r);
    const p = await preflight(s, r.url, load);
    problems.get(s.id).push(...p.map((x) => `preflight: ${x}`));
    log(`  (${s.id}) ${s.name}: ready in ${Math.round(performance.now() - t0)} ms, pid ${r.pid}${p.length ? `; PREFLIGHT FAILED: ${p.join('; ')}` : ''}`);
  }

  const once = async (s, seconds) => {
    const { url, pid } = running.get(s.id);
    const cpu0 = cpuSeconds(pid);
    const t0 = performance.now();
    const r = await measure(s, url, loads[s.load], { seconds, connections: settings.connections });
    const cpu = cpu0 === null ? null : cpuSeconds(pid) - cpu0;
    // The share of its core the server used while loaded: well under 1 means it waited
    // (for the load generator, or for a core another process took).
    r.cpuShare = cpu === null ? null : cpu / ((performance.now() - t0) / 1000);
    r.reqPerCpuSec = cpu ? r.requests / cpu : null;
    problems.get(s.id).push(...runProblems(r));
    return r;
  };
  // Progress: one line as each measurement starts, with how many are left and the time they take.
  const total = settings.reps * servers.length;
  let measured = 0;
  const clock = (sec) => `${Math.floor(sec / 60)}:${String(Math.round(sec % 60)).padStart(2, '0')}`;
  if (settings.warmupSec > 0) {
    log(`warm-up, ${settings.warmupSec} s each`);
    for (const [i, s] of servers.entries()) {
      log(`  warm-up [${i + 1}/${servers.length}] (${s.id}) ${s.name}`);
      await once(s, settings.warmupSec);
    }
  }
  for (let rep = 0; rep < settings.reps; rep++) {
    // Round-robin, starting one further each repetition, so no server always runs first
    // (or always right after the heaviest one).
    const order = servers.map((_, i) => servers[(i + rep) % servers.length]);
    const line = [];
    for (const [i, s] of order.entries()) {
      const left = (total - measured) * settings.durationSec;
      log(
        `  rep ${rep + 1}/${settings.reps} [${i + 1}/${order.length}] (${s.id}) ${s.name}: ${settings.durationSec} s (${++measured}/${total}, ~${clock(left)} left)`,
      );
      const r = await once(s, settings.durationSec);
      runs.push({ id: s.id, rep, ...r });
      line.push(`${s.id} ${Math.round(r.reqPerSec)}${r.cpuShare === null ? '' : ` (${Math.round(r.cpuShare * 100)}%)`}`);
    }
    log(`rep ${rep + 1}/${settings.reps}: ${line.join(' · ')} req/s (server CPU share)`);
  }
} catch (err) {
  fatal = err;
}

const rss = new Map([...running].map(([id, r]) => [id, peakRssMiB(r.pid)]));
await stopAll();
if (fatal) {
  console.error(`bench/http FAILED: ${fatal.message}`);
  process.exit(1);
}

m.loadAverageAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);
const rows = summarize(servers, runs, rss, problems);
const result = { date: new Date().toISOString(), machine: m, settings, rows, targets: targets(rows, runs) };
await mkdir(outDir, { recursive: true });
await writeFile(`${outDir}/${files}.json`, JSON.stringify({ ...result, runs }, null, 2) + '\n');
await writeFile(`${outDir}/${files}.md`, markdown(result));
await writeFile(
  `${outDir}/${files}.svg`,
  svgChart(rows, { subtitle: `${m.cpu}, ${m.cores} cores, Node ${m.node}${settings.pinned ? ', server pinned to one core' : ''}` }),
);
log('');
log(markdown(result));
log(`wrote ${outDir}/${files}.{json,md,svg}`);
const invalid = rows.filter((r) => !r.valid);
// Only a complete, valid run of the default settings stands in the README.
const complete = !args.smoke && !args.only && !args.out && invalid.length === 0 && !Object.keys(process.env).some((k) => k.startsWith('BENCH_'));
if (complete && (await updateReadme(`${root}README.md`, markdown(result), result.date, major, files))) log('updated the README section');
if (invalid.length) {
  console.error(`bench/http FAILED: wrong answers from ${invalid.map((r) => `(${r.id})`).join(', ')}; those rows are marked invalid`);
  process.exit(1);
}
