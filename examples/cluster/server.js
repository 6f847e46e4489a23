// `npm run example:cluster`: a witline gateway on every core of this machine, as one
// node:cluster of processes sharing the port, whose rate limit lives in one Redis, so
// that it holds across processes (and across machines: run this on N machines with the
// same REDIS_URL). Needs a running Redis at $REDIS_URL (default redis://127.0.0.1:6379);
// it starts none.
//
// Environment: REDIS_URL, PORT (default 8080; 0: any free port), HOST, WORKERS (default:
// one per core), LIMIT_BURST (5) and LIMIT_PER_SECOND (1): the rate limit every process
// shares, REDIS_PREFIX (`witline-example:`): where in Redis its buckets live.
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { pipeline } from 'witline';
import { rateLimit, transform } from 'witline/middleware';
import { RedisStore } from 'witline/redis';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PORT = Number(process.env.PORT ?? 8080);
const HOST = process.env.HOST;
const WORKERS = Number(process.env.WORKERS ?? availableParallelism());
const store = () => new RedisStore({ url: REDIS_URL, keyPrefix: process.env.REDIS_PREFIX ?? 'witline-example:' });

if (cluster.isPrimary) {
  // Check Redis once, before starting anything, so that a missing one is named plainly.
  const probe = store();
  try {
    await probe.ready();
  } catch (err) {
    console.error(`examples/cluster needs a Redis at REDIS_URL=${REDIS_URL}, and it is not reachable (${err.message}).`);
    console.error('Start one (e.g. `redis-server`) or point REDIS_URL at yours: REDIS_URL=redis://host:6379 npm run example:cluster');
    await probe.close();
    process.exit(1);
  }
  await probe.close();
  let listening = 0;
  for (let i = 0; i < WORKERS; i++) cluster.fork();
  cluster.on('message', (worker, m) => {
    if (m?.listening && ++listening === WORKERS) {
      const url = `http://${HOST ?? 'localhost'}:${m.port}`;
      console.log(`witline cluster: ${WORKERS} processes listening on ${url}, sharing a rate limit in ${REDIS_URL}`);
      console.log(`Try it: for i in $(seq 8); do curl -s -o /dev/null -w '%{http_code} ' ${url}/; done`);
      console.log(`  ${process.env.LIMIT_BURST ?? 5} requests pass in all, whichever process answers (see x-served-by-pid), then 429.`);
    }
  });
  let stopping = false;
  cluster.on('exit', (worker, code) => {
    if (stopping) return Object.keys(cluster.workers).length === 0 && process.exit(0);
    console.error(`witline cluster: worker ${worker.process.pid} exited (${code}); stopping`);
    process.exit(1);
  });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      stopping = true;
      for (const w of Object.values(cluster.workers)) w.process.kill('SIGTERM');
    });
  }
} else {
  const kv = store();
  const p = pipeline(
    [
      rateLimit({ burst: Number(process.env.LIMIT_BURST ?? 5), perSecond: Number(process.env.LIMIT_PER_SECOND ?? 1) }),
      transform({ response: { setHeaders: { 'x-served-by-pid': String(process.pid) } } }),
    ],
    { kv, handler: () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pid: process.pid }) }) },
  );
  const server = await p.listen({ port: PORT, host: HOST });
  process.send({ listening: true, port: server.address().port });
  process.on('SIGTERM', async () => {
    await p.close();
    await kv.close();
    process.exit(0);
  });
}
