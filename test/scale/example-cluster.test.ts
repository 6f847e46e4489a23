// `npm run example:cluster` as a user runs it (on dist/: `npm run build:lib` first): two
// processes of one node:cluster gateway share its rate limit in Redis (LIMIT_BURST passes
// in all, answered by both processes, then 429), and without a reachable Redis it exits
// at once with a message naming REDIS_URL.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testRedis, uniquePrefix } from '../support/redis.js';

const SERVER = new URL('../../examples/cluster/server.js', import.meta.url).pathname;

let redis: Awaited<ReturnType<typeof testRedis>>;
const children: ChildProcess[] = [];
beforeAll(async () => void (redis = await testRedis()));
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM'); // its workers with it
  await redis?.close();
});

it('shares one limit across its processes', async () => {
  const env = { ...process.env, REDIS_URL: redis.url, REDIS_PREFIX: uniquePrefix('example-cluster'), PORT: '0', HOST: '127.0.0.1', WORKERS: '2' };
  const child = spawn(process.execPath, [SERVER], { env: { ...env, LIMIT_BURST: '4', LIMIT_PER_SECOND: '1e-9' }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const [first] = await once(createInterface({ input: child.stdout }), 'line');
  const url = /listening on (http:\/\/[^\s,]+)/.exec(first)![1];

  const answers = [];
  for (let i = 0; i < 10; i++) {
    // A connection per request: node:cluster hands each new one to the next process.
    const res = await fetch(url + '/', { headers: { connection: 'close' } });
    await res.arrayBuffer();
    answers.push({ status: res.status, pid: res.headers.get('x-served-by-pid') });
  }
  expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 429, 429, 429, 429, 429, 429]);
  expect(new Set(answers.filter((a) => a.status === 200).map((a) => a.pid)).size).toBe(2);
  child.kill('SIGTERM');
  expect((await once(child, 'exit'))[0]).toBe(0);
}, 30_000);

it('names REDIS_URL when no Redis answers there', async () => {
  const child = spawn(process.execPath, [SERVER], {
    env: { ...process.env, REDIS_URL: 'redis://127.0.0.1:1', PORT: '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const [code] = await once(child, 'exit');
  expect(code).toBe(1);
  expect(stderr).toContain('examples/cluster needs a Redis at REDIS_URL=redis://127.0.0.1:1');
}, 30_000);
