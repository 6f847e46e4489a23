// The rows of the benchmark, and how a server process is started, pinned and stopped.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Every row. `expect`: 'bare' (the handler's body only) or 'full' (the middleware's
 * header and JSON field too). `load`: which request the load generator sends. `part`: a
 * row that takes (h) apart (k-express-parts.mjs, given its id), run when `--only` names
 * it and in the smoke run, not in the full run.
 */
export const SERVERS = [
  { id: 'a', name: 'node:http, no middleware (ceiling)', file: 'a-node-bare.mjs', expect: 'bare', load: 'get' },
  { id: 'b', name: 'node:http + plain JS functions', file: 'b-node-js.mjs', expect: 'full', load: 'get' },
  { id: 'c', name: 'Express 5, app.use middleware', file: 'c-express.mjs', expect: 'full', load: 'get' },
  { id: 'd', name: 'Fastify 5, hooks', file: 'd-fastify.mjs', expect: 'full', load: 'get' },
  { id: 'e', name: 'witline per-hop (fusion off)', file: 'e-witline-perhop.mjs', expect: 'full', load: 'get' },
  { id: 'f', name: 'witline fused (default)', file: 'f-witline-fused.mjs', expect: 'full', load: 'get' },
  { id: 'g', name: 'witline + pooled signature stage', file: 'g-witline-pool.mjs', expect: 'full', load: 'signed' },
  { id: 'h', name: 'witline behind Express (toExpress)', file: 'h-witline-express.mjs', expect: 'full', load: 'get' },
  { id: 'i', name: 'witline fused + OpenTelemetry SDK', file: 'i-witline-otel.mjs', expect: 'full', load: 'get' },
  { id: 'j', name: 'witline fused, sandbox off', file: 'j-witline-nosandbox.mjs', expect: 'full', load: 'get' },
  { id: 'k', name: 'Express 5, the route alone', file: 'k-express-parts.mjs', expect: 'bare', load: 'get', part: true },
  { id: 'l', name: 'toExpress, no stage', file: 'k-express-parts.mjs', expect: 'bare', load: 'get', part: true },
  { id: 'm', name: 'toExpress, one response stage', file: 'k-express-parts.mjs', expect: 'bare', load: 'get', part: true },
];

export const BASELINE = 'b';

const dir = (f) => fileURLToPath(new URL(`./servers/${f}`, import.meta.url));

/** Whether `taskset` can pin processes here (Linux with util-linux, and more than one core). */
export function canPin(cores) {
  return cores >= 2 && spawnSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' }).status === 0;
}

/** Pin this process (every thread: autocannon and its helpers) to `core`. */
export function pinSelf(core) {
  const r = spawnSync('taskset', ['-a', '-p', '-c', String(core), String(process.pid)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`taskset could not pin the load generator: ${r.stderr}`);
}

/**
 * Start a server and wait for its `ready <port>` line. A missing file or a server that
 * dies or stays silent is an error: the run fails loudly, it never skips a row.
 */
export function startServer(server, { core, readyTimeoutMs = 120_000, nodeArgs = [] }) {
  const file = dir(server.file);
  if (!existsSync(file)) return Promise.reject(new Error(`(${server.id}) ${server.name}: server script missing: bench/http/servers/${server.file}`));
  // taskset execs node, so the child's pid is the server's own (for /proc/<pid>/status).
  const node = [process.execPath, ...nodeArgs, file, '0', ...(server.part ? [server.id] : [])];
  const argv = core === undefined ? node : ['taskset', '-c', String(core), ...node];
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
  return new Promise((resolve, reject) => {
    const fail = (why) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`(${server.id}) ${server.name}: ${why}\n${err.trim()}`));
    };
    const timer = setTimeout(() => fail(`no ready line within ${readyTimeoutMs} ms`), readyTimeoutMs);
    child.once('exit', (code, signal) => fail(`exited (${signal ?? code}) before it was ready`));
    child.stdout.on('data', (d) => {
      out += d;
      const m = /^ready (\d+)$/m.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      resolve({ child, pid: child.pid, url: `http://127.0.0.1:${m[1]}`, stderr: () => err });
    });
  });
}

/** Peak resident set size of a live process in MiB (VmHWM), or null where /proc has none. */
export function peakRssMiB(pid) {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

const TICKS_PER_SEC = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

/**
 * CPU time a live process (all its threads) has used, in seconds, or null without /proc.
 * Read around each run: on a shared machine the req/s a server reaches depends on the
 * CPU it got, and requests per CPU-second hardly does.
 */
export function cpuSeconds(pid) {
  try {
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICKS_PER_SEC;
  } catch {
    return null;
  }
}

/** SIGTERM, then SIGKILL if the server has not exited within 3 s. */
export function stopServer(running) {
  const { child } = running;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
