import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { demoToken } from '../../examples/gateway/gateway.js';
import { runCli, SECRET, startUpstream, tempDir, writeConfig, type CliProcess } from './support.js';

let cli: CliProcess;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let configFile: string;
const config = (version: string) => ({
  listen: { port: 0 },
  upstream: upstream.url,
  stages: [
    { use: 'auth', options: { secret: SECRET, issuer: 'cli-test' } },
    { use: 'transform', name: 'stamp', options: { response: { setHeaders: { 'x-version': version } } } },
  ],
});
beforeAll(async () => {
  upstream = await startUpstream();
  configFile = join(tempDir(), 'witline.config.json');
  writeConfig(configFile, config('v1'));
  cli = runCli(['serve', '--watch', '--config', configFile]);
});
afterAll(async () => {
  await cli.stop();
  upstream.server.close();
});

it('--watch replaces a changed stage under concurrent requests, and none of them fails', async () => {
  const { url } = await cli.waitForMsg('listening');
  await cli.waitForMsg('watching the config and its components');
  const headers = { authorization: `Bearer ${demoToken('ada', { configFile })}` };
  const dispatcher = new Agent({ connections: 8 });

  let reloaded = false;
  const seen: Array<{ status: number; version: unknown; afterReload: boolean }> = [];
  let firstAnswers: () => void;
  const answering = new Promise<void>((resolve) => (firstAnswers = resolve));
  // Eight clients, each sending one request after another until one it sent after the reload was answered.
  const client = async () => {
    for (;;) {
      const afterReload = reloaded;
      const r = await request(`${url}/items`, { headers, dispatcher });
      await r.body.dump();
      seen.push({ status: r.statusCode, version: r.headers['x-version'], afterReload });
      if (seen.length === 16) firstAnswers();
      if (afterReload) return;
    }
  };
  const clients = Promise.all(Array.from({ length: 8 }, client));

  await answering;
  const from = cli.entries.length;
  writeConfig(configFile, config('v2'));
  const reload = await cli.waitForMsg('config reloaded', from);
  reloaded = true;
  expect(reload.changed).toEqual(['stamp']);
  // The same stages with one changed: replaced in the running pipeline (p.replace), no new pipeline.
  expect(reload.replaced).toBe(true);
  await clients;
  await dispatcher.close();

  expect(seen.filter((s) => s.status !== 200)).toEqual([]);
  expect(seen.some((s) => s.version === 'v1')).toBe(true);
  expect(seen.filter((s) => s.afterReload).map((s) => s.version)).toEqual(Array(8).fill('v2'));
  expect(cli.entries.filter((e) => e.msg === 'config rejected; the previous pipeline keeps serving')).toEqual([]);
});
