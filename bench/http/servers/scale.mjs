// bench/scale's server: the bench workload (auth → rate limit → transform → handler, as
// rows e–h) with its rate limit on a MemoryStore or on a RedisStore at $REDIS_URL, in
// one process or a node:cluster of N. Usage: node scale.mjs <port> <memory|redis> <processes>
// Prints `ready <port>` once every process serves; on SIGTERM each process prints
// `stats <json>` (its store's stats() and the plan of its rate-limit stage) and exits.
// The store's deadline is 500 ms, not the default 50: the bench machine is shared and
// loaded to saturation, where a 50 ms deadline measures the machine's queueing instead.
import cluster from 'node:cluster';
import { pipeline } from 'witline';
import { RedisStore } from 'witline/redis';
import { handler, quietLogger, stages } from './witline-app.mjs';
import { HOST, PORT, ready } from './serve.mjs';

const [, , , store = 'memory', processes = '1'] = process.argv;
const N = Number(processes);

async function serve() {
  const kv =
    store === 'redis' ? new RedisStore({ url: process.env.REDIS_URL, keyPrefix: `bench-scale:${process.env.BENCH_RUN ?? ''}:`, timeoutMs: 500 }) : undefined;
  await kv?.ready();
  const p = pipeline(stages(), { handler, logger: quietLogger, kv });
  const server = await p.listen({ port: PORT, host: HOST });
  const stop = async () => {
    const d = p.describe();
    process.stdout.write(`stats ${JSON.stringify({ store: d.store ?? null, rateLimit: d.stages[1] })}\n`);
    await p.close();
    await kv?.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  return server.address().port;
}

if (N === 1) ready(await serve());
else if (cluster.isPrimary) {
  let up = 0;
  const workers = Array.from({ length: N }, () => cluster.fork({}));
  cluster.on('message', (_w, m) => m?.port && ++up === N && ready(m.port));
  process.once('SIGTERM', () => {
    for (const w of workers) w.process.kill('SIGTERM');
    cluster.on('exit', () => Object.keys(cluster.workers).length === 0 && process.exit(0));
  });
} else process.send({ port: await serve() });
