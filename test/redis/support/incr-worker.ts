// One of the processes of incr-processes.test.ts: connects, says "ready", waits for "go"
// on stdin (so that the processes' increments overlap), then sends N increments at once
// and prints the values they returned, as JSON.
import { RedisStore } from '../../../src/redis/index.js';

const [url, prefix, count] = process.argv.slice(2);
const store = new RedisStore({ url, keyPrefix: prefix, timeoutMs: 10_000 });
await store.ready();
process.stdout.write('ready\n');
process.stdin.once('data', async () => {
  const values = await Promise.all(Array.from({ length: Number(count) }, () => store.incr('hits', 1n, 0)));
  process.stdout.write(JSON.stringify(values.map(String)) + '\n');
  await store.close();
  process.exit(0);
});
