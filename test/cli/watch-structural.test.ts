import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { request } from 'undici';
import { runCli, startUpstream, tempDir, writeConfig, type CliProcess } from './support.js';

let cli: CliProcess;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let file: string;
const stamp = (name: string, value: string) => ({ use: 'transform', name, options: { response: { setHeaders: { [`x-${name}`]: value } } } });
beforeAll(async () => {
  upstream = await startUpstream();
  file = join(tempDir(), 'witline.config.json');
  writeConfig(file, { listen: { port: 0 }, upstream: upstream.url, stages: [stamp('a', '1')] });
  cli = runCli(['serve', '--watch', '--config', file]);
});
afterAll(async () => {
  await cli.stop();
  upstream.server.close();
});

it('--watch: a stage added is a new pipeline (not a replace), and the previous one is closed', async () => {
  const { url } = await cli.waitForMsg('listening');
  await cli.waitForMsg('watching the config and its components');
  const before = await request(`${url}/items`);
  await before.body.dump();
  expect([before.headers['x-a'], before.headers['x-b']]).toEqual(['1', undefined]);

  const from = cli.entries.length;
  writeConfig(file, { listen: { port: 0 }, upstream: upstream.url, stages: [stamp('a', '1'), stamp('b', '2')] });
  const reload = await cli.waitForMsg('config reloaded', from);
  expect(reload.replaced).toBeUndefined();
  expect(reload.stages).toEqual(['a', 'b']);
  await cli.waitForMsg('previous pipeline closed', from);

  const after = await request(`${url}/items`);
  await after.body.dump();
  expect([after.headers['x-a'], after.headers['x-b']]).toEqual(['1', '2']);
});
