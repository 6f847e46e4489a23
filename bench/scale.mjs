// bench/scale: what sharing the rate limit through Redis costs, and what a second
// process buys. The bench workload (bench/http: auth → rate limit → transform → a JSON
// handler) from four servers, each its own process tree, loaded by autocannon from this
// process, interleaved round-robin, medians:
//   A  MemoryStore, 1 process          B  RedisStore, 1 process
//   C  MemoryStore, 2-process cluster  D  RedisStore, 2-process cluster
// On this runtime's path: Node 26 suspends the rate-limit stage in-thread (JSPI), Node 20
// runs it on a worker pool (the plan each server reports is printed). A redis-server of
// its own is started on a free port (needs `redis-server` on PATH). Print-only.
// The machine is shared: compare requests per CPU-second (server and Redis CPU read
// from /proc) rather than req/s. Run: npm run build:lib && node bench/scale.mjs
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { benchLoads, benchToken, CLIENT_HEADER, EXPECTED_BODY, PATH } from './http/workload.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const REPS = Number(process.env.BENCH_REPS ?? 3);
const CONNECTIONS = 50;
const SERVER = new URL('./http/servers/scale.mjs', import.meta.url).pathname;
const ROWS = [
  { id: 'A', store: 'memory', processes: 1 },
  { id: 'B', store: 'redis', processes: 1 },
  { id: 'C', store: 'memory', processes: 2 },
  { id: 'D', store: 'redis', processes: 2 },
];
const TICK = 100; // USER_HZ: /proc times are in 1/100 s on Linux

async function freePort() {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address();
  s.close();
  return port;
}

/** CPU seconds used so far by `pid` and its children (cluster workers), from /proc. */
function cpuSeconds(pid) {
  let ticks = 0;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  ticks += Number(fields[11]) + Number(fields[12]);
  let children = '';
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  } catch {}
  for (const c of children ? children.split(' ') : []) ticks += cpuSeconds(Number(c)) * TICK;
  return ticks / TICK;
}

function startRedis(port) {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', (e) => reject(e.code === 'ENOENT' ? new Error('bench/scale needs redis-server on PATH') : e));
    createInterface({ input: child.stdout }).on('line', (l) => l.includes('Ready to accept connections') && resolve(child));
  });
}

function startServer(row, env) {
  const child = spawn(process.execPath, [SERVER, '0', row.store, String(row.processes)], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const stats = [];
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server ${row.id} exited (${code})`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const ready = /^ready (\d+)/.exec(line);
      if (ready) {
        child.removeAllListeners('exit');
        resolve({ ...row, child, url: `http://127.0.0.1:${ready[1]}`, stats, requests: 0, runs: [], problems: [] });
      }
      if (line.startsWith('stats ')) stats.push(JSON.parse(line.slice(6)));
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * One autocannon run. Each connection is its own client (its own `x-client-id`, so its
 * own bucket), as a gateway's traffic comes from many clients: 50 connections on one
 * bucket would measure compare-and-swap contention on one key instead (the bundled
 * limiter answers 429 after 8 lost swaps). Every body is checked.
 */
function measure(url, load, seconds) {
  const times = [];
  let n = 0;
  const instance = autocannon({
    url: url + PATH,
    method: load.method,
    headers: load.headers,
    connections: CONNECTIONS,
    duration: seconds,
    timeout: 10,
    expectBody: EXPECTED_BODY,
    setupClient(client) {
      client.setHeaders({ ...load.headers, [CLIENT_HEADER]: `scale-client-${n++}` });
      client.on('response', (_s, _b, ms) => times.push(ms));
    },
  });
  return new Promise((resolve, reject) => {
    instance.on('done', (r) => {
      const sorted = Float64Array.from(times).sort();
      const p99 = Math.round(sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))] * 100) / 100;
      const bad = r.errors + r.timeouts + r.non2xx + r.mismatches;
      resolve({
        reqPerSec: r.requests.average,
        requests: r.requests.total,
        p99,
        bad: bad ? `${r.non2xx} non-2xx, ${r.mismatches} wrong bodies, ${r.errors} errors, ${r.timeouts} timeouts` : '',
      });
    });
    instance.on('error', reject);
  });
}

async function main() {
  const redisPort = await freePort();
  const redis = await startRedis(redisPort);
  const env = { ...process.env, REDIS_URL: `redis://127.0.0.1:${redisPort}`, BENCH_RUN: String(Date.now()) };
  const load = benchLoads(benchToken()).get;
  const servers = [];
  // Whatever happens, no server or Redis of ours outlives the run.
  process.once('exit', () => [redis, ...servers.map((s) => s.child)].forEach((c) => c.exitCode === null && c.kill('SIGKILL')));
  for (const row of ROWS) servers.push(await startServer(row, env));
  const run = async (s, seconds) => {
    const [c0, r0] = [cpuSeconds(s.child.pid), cpuSeconds(redis.pid)];
    const m = await measure(s.url, load, seconds);
    const [c1, r1] = [cpuSeconds(s.child.pid), cpuSeconds(redis.pid)];
    // A wrong answer (a 503 from a store past its deadline on a busy machine) is reported, not hidden.
    if (m.bad) s.problems.push(m.bad);
    s.requests += m.requests;
    return { ...m, cpu: c1 - c0, redisCpu: r1 - r0, seconds };
  };
  const started = new Date().toISOString();
  const load0 = loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  for (const s of servers) await run(s, 2); // warm-up
  for (let rep = 0; rep < REPS; rep++) for (const s of servers) s.runs.push(await run(s, SECONDS));
  for (const s of servers) {
    s.child.kill('SIGTERM');
    await once(s.child, 'exit');
  }
  redis.kill('SIGTERM');

  const rows = servers.map((s) => {
    const reqPerSec = median(s.runs.map((r) => r.reqPerSec));
    const perCpu = median(s.runs.map((r) => r.requests / r.cpu));
    const perCpuAll = median(s.runs.map((r) => r.requests / (r.cpu + r.redisCpu)));
    const ops = s.stats.reduce((a, st) => a + (st.store?.operations ?? 0), 0);
    const plan = s.stats[0]?.rateLimit;
    return {
      ...s,
      reqPerSec,
      p99: median(s.runs.map((r) => r.p99)),
      cpuShare: median(s.runs.map((r) => r.cpu / r.seconds)),
      redisShare: median(s.runs.map((r) => r.redisCpu / r.seconds)),
      perCpu,
      perCpuAll,
      roundTrips: s.store === 'redis' ? ops / s.requests : 0,
      plan: plan ? `${plan.mode}, ${plan.placement}${plan.placementReason ? ` (${plan.placementReason})` : ''}` : '?',
    };
  });
  const by = Object.fromEntries(rows.map((r) => [r.id, r]));
  const pct = (x) => `${Math.round(x * 100)}%`;
  const out = [
    `bench/scale: ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, Node ${process.version}, ${started}; load average ${load0}`,
    `${CONNECTIONS} connections, 2 s warm-up, then ${REPS} × ${SECONDS} s per server, interleaved; medians. Load generator in this process, unpinned.`,
    '',
    '| | store | processes | rate-limit stage | req/s | p99 ms | server CPU | Redis CPU | req per server CPU-s | req per CPU-s (server + Redis) | Redis round trips / req |',
    '| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) =>
      [
        '',
        r.id,
        r.store,
        r.processes,
        r.plan,
        Math.round(r.reqPerSec).toLocaleString('en'),
        r.p99,
        pct(r.cpuShare),
        r.store === 'redis' ? pct(r.redisShare) : '',
        Math.round(r.perCpu).toLocaleString('en'),
        Math.round(r.perCpuAll).toLocaleString('en'),
        r.store === 'redis' ? r.roundTrips.toFixed(2) : '',
        '',
      ]
        .join(' | ')
        .trim(),
    ),
    '',
    `- RedisStore vs MemoryStore, 1 process (B/A): req/s ${(by.B.reqPerSec / by.A.reqPerSec).toFixed(2)}×, per server CPU-s ${(by.B.perCpu / by.A.perCpu).toFixed(2)}×, per CPU-s with Redis ${(by.B.perCpuAll / by.A.perCpuAll).toFixed(2)}×`,
    `- 2 processes vs 1, MemoryStore (C/A): req/s ${(by.C.reqPerSec / by.A.reqPerSec).toFixed(2)}×, per server CPU-s ${(by.C.perCpu / by.A.perCpu).toFixed(2)}× (C does not share its limit)`,
    `- 2 processes vs 1, RedisStore (D/B): req/s ${(by.D.reqPerSec / by.B.reqPerSec).toFixed(2)}×, per server CPU-s ${(by.D.perCpu / by.B.perCpu).toFixed(2)}×`,
    ...rows.filter((r) => r.problems.length).map((r) => `- ${r.id}: wrong answers in ${r.problems.length} run(s): ${r.problems.join('; ')}`),
    '',
  ];
  process.stdout.write(out.join('\n'));
}

await main();
