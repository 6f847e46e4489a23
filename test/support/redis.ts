// A real Redis for the tests, never a mock: `$REDIS_URL` when it is set, otherwise a
// `redis-server` from PATH started on a free port as a child process (nothing saved to
// disk) and stopped after. Tests that stop, freeze or restart the server always start
// their own. Readiness is read from the server's log ("Ready to accept connections"),
// not waited for.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createClient } from 'redis';

/** A `redis-server` child process of this test run. */
export interface OwnRedis {
  url: string;
  port: number;
  /** Stop the server (SIGTERM) and wait for it to exit. */
  stop(): Promise<void>;
  /** Start it again on the same port (empty: it keeps nothing). */
  start(): Promise<void>;
  /** SIGSTOP: the server keeps its connections but answers nothing, as a hung or partitioned one. Returns once it is stopped. */
  freeze(): Promise<void>;
  /** SIGCONT after `freeze()`. */
  thaw(): void;
}

const MISSING =
  'the Redis tests need a Redis server: `redis-server` is not on PATH. Install it (Debian: `apt-get install redis-server`) or set REDIS_URL=redis://host:port to use a running one.';

// Bounds a start that never reports readiness (a broken install); a start takes milliseconds.
const START_LIMIT_MS = 10_000;

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** Spawn redis-server on `port`; resolves once it accepts connections, rejects with its log if it exits first. */
function launch(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let log = '';
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    const timer = setTimeout(() => fail(new Error(`redis-server on port ${port} did not get ready within ${START_LIMIT_MS} ms:\n${log}`)), START_LIMIT_MS);
    child.once('error', (err: NodeJS.ErrnoException) => fail(err.code === 'ENOENT' ? new Error(MISSING) : err));
    child.once('exit', (code) => fail(new Error(`redis-server on port ${port} exited (${code}) before it was ready:\n${log}`)));
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (!log.includes('Ready to accept connections')) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stdout!.off('data', onData);
      child.stdout!.resume(); // keep draining its log, or a full pipe would block the server
      resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  });
}

/** Start a `redis-server` of our own on a free port. Fails (with what is missing) where there is none. */
export async function startOwnRedis(): Promise<OwnRedis> {
  let port = 0;
  let child: ChildProcess | undefined;
  // A free port can be taken between our probe and the server's bind: try another.
  for (let attempt = 0; !child; attempt++) {
    port = await freePort();
    try {
      child = await launch(port);
    } catch (err) {
      if (attempt >= 4 || !/Address already in use/.test(String(err))) throw err;
    }
  }
  const kill = () => child?.kill('SIGKILL');
  process.once('exit', kill);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      const c = child;
      child = undefined;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      c.kill('SIGCONT'); // a frozen server cannot act on SIGTERM
      c.kill('SIGTERM');
      await once(c, 'exit');
    },
    async start() {
      if (child) throw new Error('redis-server is already running');
      child = await launch(port);
    },
    async freeze() {
      if (!child?.pid) throw new Error('redis-server is not running');
      child.kill('SIGSTOP');
      // The signal is delivered asynchronously: wait until the kernel reports it stopped
      // ('T' in /proc, on Linux), so that no command sent after this is answered.
      const stat = `/proc/${child.pid}/stat`;
      if (!existsSync(stat)) return;
      for (let polls = 0; !/^\d+ \(.*\) T/.test(readFileSync(stat, 'utf8')); polls++) {
        if (polls > 10_000) throw new Error('redis-server did not stop on SIGSTOP');
        await new Promise((r) => setImmediate(r));
      }
    },
    thaw: () => void child?.kill('SIGCONT'),
  };
}

// Every key the tests write starts with this, then a name and a UUID (uniquePrefix).
const TEST_PREFIX = `witline-test:${randomUUID()}:`;

/**
 * A Redis to run against: `$REDIS_URL`, or one of our own. `close()` stops ours, or on a
 * shared `$REDIS_URL` deletes the keys this process's tests wrote (under uniquePrefix).
 */
export async function testRedis(): Promise<{ url: string; close(): Promise<void> }> {
  const url = process.env.REDIS_URL;
  if (url) return { url, close: () => removeTestKeys(url) };
  const own = await startOwnRedis();
  return { url: own.url, close: () => own.stop() };
}

/** A key prefix no other test (or run, on a shared `$REDIS_URL`) uses. */
export function uniquePrefix(name: string): string {
  return `${TEST_PREFIX}${name}:${randomUUID()}:`;
}

async function removeTestKeys(url: string): Promise<void> {
  const client = await inspector(url);
  for await (const keys of client.scanIterator({ MATCH: `${TEST_PREFIX}*`, COUNT: 1000 })) if (keys.length) await client.del(keys);
  await client.close();
}

/** A plain node-redis client, to look at what the store wrote (raw keys, PTTL) from the server's side. */
export async function inspector(url: string) {
  const client = createClient({ url });
  client.on('error', () => {}); // failures surface through the commands a test sends
  await client.connect();
  return client;
}
