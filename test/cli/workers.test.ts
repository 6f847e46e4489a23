import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { request } from 'undici';
import { runCli, startUpstream, tempDir, writeConfig, type CliProcess } from './support.js';

let cli: CliProcess;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
beforeAll(async () => {
  upstream = await startUpstream();
  const file = join(tempDir(), 'witline.config.json');
  writeConfig(file, {
    listen: { port: 0 },
    metrics: { port: 0 },
    upstream: upstream.url,
    workers: 2,
    stages: [{ use: 'transform', options: { response: { setHeaders: { 'x-served-by': 'witline' } } } }],
  });
  cli = runCli(['serve', '--config', file]);
});
afterAll(async () => {
  await cli.stop();
  upstream.server.close();
});

it('workers: 2 processes serve one port, and the primary sums their request counts on /metrics', async () => {
  const listening = await cli.waitForMsg('listening');
  expect(listening.workers).toBe(2);
  const workers = cli.entries.filter((e) => e.msg === 'worker listening');
  expect(new Set(workers.map((e) => e.pid)).size).toBe(2);
  expect(new Set(workers.map((e) => e.url))).toEqual(new Set([listening.url]));
  const metrics = await cli.waitForMsg('metrics listening');

  for (let i = 0; i < 6; i++) {
    // A new connection each time, so that the primary deals them out to both workers.
    const r = await request(`${listening.url}/items`, { reset: true });
    expect(r.statusCode).toBe(200);
    expect(r.headers['x-served-by']).toBe('witline');
    await r.body.dump();
  }
  await cli.waitFor(() => cli.entries.filter((x) => x.msg === 'request').length === 6);
  expect(new Set(cli.entries.filter((e) => e.msg === 'request').map((e) => e.pid)).size).toBe(2);

  const text = await (await request(metrics.url as string)).body.text();
  expect(text).toMatch(/^witline_http_requests_total\{status="200"\} 6$/m);
});
