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
    stages: [{ use: 'auth', options: { secret: SECRET, issuer: 'cli-test' } }],
  });
  cli = runCli(['serve', '--config', configFile]);
});
afterAll(async () => {
  await cli.stop();
  upstream.server.close();
});

/** The value of the sample of `family` whose labels include all of `labels`. */
function sample(text: string, family: string, labels: Record<string, string>): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(family + '{') && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

it('/metrics also shows the OpenTelemetry instruments: request and stage durations as Prometheus histograms', async () => {
  const { url } = await cli.waitForMsg('listening');
  const metrics = await cli.waitForMsg('metrics listening');
  const headers = { authorization: `Bearer ${demoToken('ada', { configFile })}` };
  for (const h of [{}, headers, headers]) {
    const r = await request(`${url}/items`, { headers: h });
    await r.body.dump();
  }
  await cli.waitFor((e) => e.msg === 'request' && cli.entries.filter((x) => x.msg === 'request').length === 3);
  const text = await (await request(metrics.url as string)).body.text();

  expect(text).toContain('# TYPE http_server_request_duration_seconds histogram');
  const ok = { http_request_method: 'GET', http_response_status_code: '200', url_scheme: 'http' };
  expect(sample(text, 'http_server_request_duration_seconds_count', ok)).toBe(2);
  expect(sample(text, 'http_server_request_duration_seconds_bucket', { ...ok, le: '+Inf' })).toBe(2);
  expect(sample(text, 'http_server_request_duration_seconds_count', { http_response_status_code: '401' })).toBe(1);
  expect(text).toMatch(/^http_server_request_duration_seconds_bucket\{[^}]*le="0.005"[^}]*\} \d/m);
  expect(
    sample(text, 'witline_stage_duration_seconds_count', { witline_stage_name: 'auth', witline_stage_phase: 'request', witline_stage_outcome: 'ok' }),
  ).toBe(3);
  expect(text).toContain('# TYPE witline_stage_failures_total counter');
  expect(sample(text, 'witline_stage_instances', { witline_stage_name: 'auth' })).toBe(1);
});
