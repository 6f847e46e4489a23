import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { request } from 'undici';
import { demoToken } from '../../examples/gateway/gateway.js';
import { runCli, SECRET, startUpstream, tempDir, writeConfig, type CliProcess } from './support.js';

let cli: CliProcess;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let configFile: string;
beforeAll(async () => {
  upstream = await startUpstream();
  configFile = join(tempDir(), 'witline.config.json');
  writeConfig(configFile, {
    listen: { port: 0 },
    metrics: { port: 0 },
    upstream: upstream.url,
    stages: [
      { use: 'auth', options: { secret: SECRET, issuer: 'cli-test' } },
      { use: 'rateLimit', options: { burst: 100, perSecond: 1 }, pool: { minThreads: 1, maxThreads: 1 } },
    ],
  });
  cli = runCli(['serve', '--config', configFile]);
});
afterAll(async () => {
  await cli.stop();
  upstream.server.close();
});

/** The value of one sample line of the exposition, e.g. `witline_http_requests_total{status="200"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

it('/metrics on its own port: requests by status, replaced instances and pool counters, in Prometheus text', async () => {
  const { url } = await cli.waitForMsg('listening');
  const metrics = await cli.waitForMsg('metrics listening');
  const headers = { authorization: `Bearer ${demoToken('ada', { configFile })}` };
  for (const h of [{}, {}, headers, headers, headers]) {
    const r = await request(`${url}/items`, { headers: h });
    await r.body.dump();
  }
  // Each request is counted before its log line is written.
  await cli.waitFor((e) => e.msg === 'request' && cli.entries.filter((x) => x.msg === 'request').length === 5);

  const scrape = await request(metrics.url as string);
  expect(scrape.statusCode).toBe(200);
  expect(scrape.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await scrape.body.text();
  expect(sample(text, 'witline_http_requests_total{status="401"}')).toBe(2);
  expect(sample(text, 'witline_http_requests_total{status="200"}')).toBe(3);
  expect(sample(text, 'witline_stage_replaced_instances{stage="auth"}')).toBe(0);
  expect(sample(text, 'witline_stage_replaced_instances{stage="rate-limit"}')).toBe(0);
  expect(sample(text, 'witline_pool_threads{stages="rate-limit"}')).toBe(1);
  // Two pool tasks per request that reached the stage: its request phase and its response phase (RateLimit-* headers).
  expect(sample(text, 'witline_pool_completed{stages="rate-limit"}')).toBe(6);
  expect(sample(text, 'witline_pool_busy{stages="rate-limit"}')).toBe(0);
  expect(text).toContain('# TYPE witline_http_requests_total counter');
  expect(text).toMatch(/^process_cpu_seconds_total \d/m);

  const other = await request(new URL('/other', metrics.url as string));
  expect(other.statusCode).toBe(404);
  await other.body.dump();
});
