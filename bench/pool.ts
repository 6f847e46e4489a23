// bench/pool: the signature stage (HMAC-SHA256 over the whole body) on 256 KiB bodies,
// run in-thread versus on a worker pool, under the same HTTP load. Each placement is
// served by a fresh server process (`--serve <mode>`), loaded by autocannon from this
// process over loopback; the server measures its main thread's event-loop delay
// (perf_hooks.monitorEventLoopDelay) and utilisation while the load runs.
//
// Targets (issue 4): pooled, the event-loop delay p99 stays <= 10 ms under the load
// where in-thread execution blocks it; pooled throughput >= in-thread on 2 cores.
// Run: npm run bench:pool   (writes bench/results/pool.json and pool.md)
// Knobs: BENCH_SECONDS (10), BENCH_CONNECTIONS (32), BENCH_REPS (3), BENCH_THREADS (cores),
// BENCH_DRIVERS (in-process,http).
import { fork, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: autocannon ships no types; the fields used are declared below.
import autocannon from 'autocannon';
import { pipeline } from '../src/index.js';
import { signature } from '../src/middleware/index.js';

type Mode = 'in-thread' | 'pooled';
const MODES: Mode[] = ['in-thread', 'pooled'];
/** in-process: p.handle() driven from the server's own process; http: autocannon over loopback from another. */
type Driver = 'in-process' | 'http';
const DRIVERS = (process.env.BENCH_DRIVERS ?? 'in-process,http').split(',') as Driver[];
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const REPS = Number(process.env.BENCH_REPS ?? 3);
const THREADS = Number(process.env.BENCH_THREADS ?? availableParallelism());
const BODY_BYTES = 256 * 1024;
const SECRET = 'bench-webhook-secret';

/** What the server reports about its main thread for one measured run. */
interface LoopStats {
  delayMs: { p50: number; p99: number; max: number; mean: number };
  utilization: number;
  cpuMs: number;
}

/** One measured run of one placement. */
interface Run {
  driver: Driver;
  mode: Mode;
  rep: number;
  requestsPerSec: number;
  latencyMs: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  loop: LoopStats;
}

// --- server process -------------------------------------------------------------------

function bodyAndHeader(): { body: Buffer; header: string } {
  const body = Buffer.alloc(BODY_BYTES);
  for (let i = 0; i < body.length; i++) body[i] = (i * 2654435761) >>> 24;
  return { body, header: `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` };
}

function makePipeline(mode: Mode) {
  const pool = mode === 'pooled' ? { pool: { minThreads: THREADS, maxThreads: THREADS, maxQueue: 4096, timeoutMs: 30_000 } } : {};
  // Quiet: requests still in flight when a run's server closes are answered 503 and logged otherwise.
  const logger = { debug() {}, info() {}, warn() {}, error() {} };
  return pipeline([signature({ secret: SECRET, ...pool })], { handler: () => ({ status: 200, body: 'ok' }), logger });
}

/** Event-loop delay, loop utilisation and CPU of this thread between start() and stop(). */
function loopMeter() {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  let elu = performance.eventLoopUtilization();
  let cpu = process.cpuUsage();
  return {
    start() {
      delay.reset();
      delay.enable();
      elu = performance.eventLoopUtilization();
      cpu = process.cpuUsage();
    },
    stop(): LoopStats {
      delay.disable();
      const used = process.cpuUsage(cpu);
      const ms = (ns: number) => ns / 1e6;
      return {
        delayMs: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max), mean: ms(delay.mean) },
        utilization: performance.eventLoopUtilization(elu).utilization,
        cpuMs: (used.user + used.system) / 1000,
      };
    },
  };
}

/** `--serve <mode>`: listen on loopback; the parent loads it with autocannon and asks for loop stats. */
async function serve(mode: Mode): Promise<void> {
  const p = makePipeline(mode);
  const server = await p.listen({ port: 0, host: '127.0.0.1' });
  const meter = loopMeter();
  process.on('message', async (m: string) => {
    if (m === 'start') meter.start();
    else if (m === 'stop') process.send!(meter.stop());
    else if (m === 'exit') {
      await p.close();
      process.exit(0);
    }
  });
  process.send!({ port: (server.address() as { port: number }).port });
}

/**
 * `--drive <mode>`: load the pipeline in this process, no sockets: CONNECTIONS clients in a
 * closed loop, each request arriving in its own macrotask with a freshly copied body (as a
 * socket read would deliver it), so the loop's delay is what other requests would wait.
 */
async function drive(mode: Mode): Promise<void> {
  const { body, header } = bodyAndHeader();
  const p = makePipeline(mode);
  await p.ready();
  const ctx = { remoteAddress: '127.0.0.1' };
  const latencies: number[] = [];
  const run = async (ms: number, record: boolean) => {
    let n = 0;
    const end = performance.now() + ms;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (performance.now() < end) {
          await new Promise((r) => setImmediate(r));
          const t0 = performance.now();
          const res = await p.handle({ method: 'POST', uri: '/hooks/github', headers: [['x-hub-signature-256', header]], body: Buffer.from(body) }, ctx);
          if (res.status !== 200) throw new Error(`${mode}: status ${res.status}`);
          if (record) latencies.push(performance.now() - t0);
          n++;
        }
      }),
    );
    return n / (ms / 1000);
  };
  await run(2000, false); // warm-up: JIT tiers, workers
  const meter = loopMeter();
  meter.start();
  const requestsPerSec = await run(SECONDS * 1000, true);
  const loop = meter.stop();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  process.send!({ requestsPerSec, latencyMs: { p50: at(0.5), p99: at(0.99) }, non2xx: 0, errors: 0, loop });
  await p.close();
}

// --- load generator (parent) ---------------------------------------------------------------

function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as T));
    child.once('exit', (code) => reject(new Error(`bench child exited with code ${code}`)));
  });
}

/** The parts of autocannon's result used here. */
interface CannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

function load(port: number, seconds: number, body: Buffer, header: string): Promise<CannonResult> {
  return autocannon({
    url: `http://127.0.0.1:${port}/hooks/github`,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': header },
    body,
    connections: CONNECTIONS,
    duration: seconds,
  });
}

async function measureHttp(mode: Mode, rep: number): Promise<Run> {
  const { body, header } = bodyAndHeader();
  const child = fork(fileURLToPath(import.meta.url), ['--serve', mode], { execArgv: ['--import', 'tsx'] });
  try {
    const { port } = await nextMessage<{ port: number }>(child);
    await load(port, 2, body, header); // warm-up: JIT tiers, workers, connections
    child.send('start');
    const r = await load(port, SECONDS, body, header);
    child.send('stop');
    const loop = await nextMessage<LoopStats>(child);
    const { requests, latency, non2xx, errors, timeouts } = r;
    return {
      driver: 'http',
      mode,
      rep,
      requestsPerSec: requests.average,
      latencyMs: { p50: latency.p50, p99: latency.p99 },
      non2xx,
      errors: errors + timeouts,
      loop,
    };
  } finally {
    child.send('exit');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

async function measureInProcess(mode: Mode, rep: number): Promise<Run> {
  const child = fork(fileURLToPath(import.meta.url), ['--drive', mode], { execArgv: ['--import', 'tsx'] });
  const r = await nextMessage<Omit<Run, 'driver' | 'mode' | 'rep'>>(child);
  await new Promise((resolve) => child.once('exit', resolve));
  return { driver: 'in-process', mode, rep, ...r };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const f = (n: number, d = 1) => n.toFixed(d);

type Summary = { requestsPerSec: number; loopDelayP99Ms: number; loopDelayMaxMs: number; loopUtilization: number; latencyP99Ms: number };

async function main(): Promise<void> {
  const runs: Run[] = [];
  // Placements interleaved, so drift in the machine's state hits both alike.
  for (let rep = 1; rep <= REPS; rep++) {
    for (const driver of DRIVERS) {
      for (const mode of MODES) {
        const run = driver === 'http' ? await measureHttp(mode, rep) : await measureInProcess(mode, rep);
        if (run.non2xx || run.errors) throw new Error(`${driver} ${mode}: ${run.non2xx} non-2xx answers, ${run.errors} errors`);
        runs.push(run);
        console.log(
          `${driver} ${mode} #${rep}: ${f(run.requestsPerSec)} req/s, loop delay p99 ${f(run.loop.delayMs.p99)} ms (max ${f(run.loop.delayMs.max)}), latency p99 ${f(run.latencyMs.p99)} ms`,
        );
      }
    }
  }
  const summary = {} as Record<Driver, Record<Mode, Summary>>;
  for (const driver of DRIVERS) {
    summary[driver] = {} as Record<Mode, Summary>;
    for (const mode of MODES) {
      const of = runs.filter((r) => r.mode === mode && r.driver === driver);
      summary[driver][mode] = {
        requestsPerSec: median(of.map((r) => r.requestsPerSec)),
        loopDelayP99Ms: median(of.map((r) => r.loop.delayMs.p99)),
        loopDelayMaxMs: median(of.map((r) => r.loop.delayMs.max)),
        loopUtilization: median(of.map((r) => r.loop.utilization)),
        latencyP99Ms: median(of.map((r) => r.latencyMs.p99)),
      };
    }
  }
  const machine = `${cpus()[0]?.model.trim() ?? 'unknown CPU'} × ${availableParallelism()}, Node ${process.version}`;
  const command = 'npm run bench:pool';
  const targets = Object.fromEntries(
    DRIVERS.map((d) => [
      d,
      {
        pooledLoopDelayP99AtMost10Ms: summary[d].pooled.loopDelayP99Ms <= 10,
        inThreadLoopBlocked: summary[d]['in-thread'].loopDelayP99Ms > 10,
        pooledThroughputAtLeastInThread: summary[d].pooled.requestsPerSec >= summary[d]['in-thread'].requestsPerSec,
      },
    ]),
  ) as unknown as Record<Driver, Record<string, boolean>>;
  const settings = { bodyBytes: BODY_BYTES, seconds: SECONDS, connections: CONNECTIONS, reps: REPS, poolThreads: THREADS };
  const date = new Date().toISOString();
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(
    new URL('./results/pool.json', import.meta.url),
    JSON.stringify({ date, machine, command, settings, summary, targets, runs }, null, 2) + '\n',
  );
  const row = (driver: Driver, mode: Mode) => {
    const x = summary[driver][mode];
    return `| ${driver} | ${mode} | ${f(x.requestsPerSec)} | ${f(x.loopDelayP99Ms)} | ${f(x.loopDelayMaxMs)} | ${f(x.loopUtilization, 2)} | ${f(x.latencyP99Ms, 0)} |`;
  };
  const verdict = (ok: boolean) => (ok ? 'met' : 'missed');
  const md = [
    `# bench/pool — signature stage, ${BODY_BYTES / 1024} KiB bodies, ${CONNECTIONS} concurrent requests, ${machine}`,
    '',
    `Medians of ${REPS} interleaved runs of ${SECONDS} s each, after a 2 s warm-up; pool of ${THREADS} threads. ` +
      "`in-process`: `p.handle()` from the server's own process, each request arriving in its own macrotask with a " +
      'fresh copy of the body; `http`: autocannon over loopback from another process (which shares the cores).',
    '',
    'Event-loop delay is `monitorEventLoopDelay` at 1 ms resolution on the main thread (values include that 1 ms); ' +
      'loop utilisation is `performance.eventLoopUtilization()` over the run.',
    '',
    '| driver | placement | req/s | event-loop delay p99 (ms) | delay max (ms) | loop utilisation | latency p99 (ms) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...DRIVERS.flatMap((d) => MODES.map((m) => row(d, m))),
    '',
    ...DRIVERS.flatMap((d) => [
      `- ${d}: pooled ÷ in-thread throughput **${f(summary[d].pooled.requestsPerSec / summary[d]['in-thread'].requestsPerSec, 2)}×** ` +
        `(target ≥ 1: ${verdict(targets[d].pooledThroughputAtLeastInThread)}); event-loop delay p99 pooled ${f(summary[d].pooled.loopDelayP99Ms)} ms ` +
        `vs in-thread ${f(summary[d]['in-thread'].loopDelayP99Ms)} ms (target ≤ 10 ms: ${verdict(targets[d].pooledLoopDelayP99AtMost10Ms)})`,
    ]),
    '',
    `Command: \`${command}\` (${date}).`,
    '',
  ].join('\n');
  await writeFile(new URL('./results/pool.md', import.meta.url), md);
  console.log('\n' + md);
}

if (process.argv[2] === '--serve') await serve(process.argv[3] as Mode);
else if (process.argv[2] === '--drive') await drive(process.argv[3] as Mode);
else await main();
