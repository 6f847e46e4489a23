// One process of shared-limit.test.ts: a gateway whose rate limit lives in a shared Redis.
// Prints one JSON line once it listens: its URL and how its rate-limit stage was placed
// (describe()); prints the store's stats on "stats" from stdin, exits on "exit".
import { createInterface } from 'node:readline';
import { pipeline } from '../../../src/index.js';
import { rateLimit } from '../../../src/middleware/index.js';
import { RedisStore } from '../../../src/redis/index.js';

const [url, prefix, burst] = process.argv.slice(2);
const kv = new RedisStore({ url, keyPrefix: prefix, timeoutMs: 5_000 });
await kv.ready();
// One token per 1e9 seconds: no refill happens during the test.
const p = pipeline([rateLimit({ burst: Number(burst), perSecond: 1e-9 })], { kv, handler: () => ({ status: 200, body: 'ok' }) });
const server = await p.listen({ port: 0, host: '127.0.0.1' });
const { port } = server.address() as { port: number };
const stage = p.describe().stages[0];
process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${port}`, stage }) + '\n');
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'stats') process.stdout.write(JSON.stringify(p.describe().store) + '\n');
  if (line === 'exit') break;
}
await p.close();
await kv.close();
process.exit(0);
