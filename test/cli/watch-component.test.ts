import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { request } from 'undici';
import { ECHO_WASM, runCli, startUpstream, tempDir, writeConfig, type CliProcess } from './support.js';

const TRANSFORM_WASM = ECHO_WASM.replace(/echo\.wasm$/, 'transform.wasm');
let cli: CliProcess;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let dir: string;
beforeAll(async () => {
  upstream = await startUpstream();
  dir = tempDir();
  // A transform with no rules: it passes everything on to the upstream.
  copyFileSync(TRANSFORM_WASM, join(dir, 'custom.wasm'));
  const file = join(dir, 'witline.config.json');
  writeConfig(file, { listen: { port: 0 }, upstream: upstream.url, stages: [{ component: './custom.wasm', name: 'custom' }] });
  cli = runCli(['serve', '--watch', '--config', file]);
});
afterAll(async () => {
  await cli.stop();
  upstream.server.close();
});

it('--watch: a component file replaced on disk is reloaded, with the config unchanged', async () => {
  const { url } = await cli.waitForMsg('listening');
  await cli.waitForMsg('watching the config and its components');
  const before = await request(`${url}/items`);
  expect(await before.body.json()).toEqual({ path: '/items' });

  const from = cli.entries.length;
  // Replaced whole by a rename, as a build tool writing its output would.
  writeConfig(join(dir, 'custom.wasm'), readFileSync(ECHO_WASM));
  const reload = await cli.waitForMsg('config reloaded', from);
  expect(reload.changed).toEqual(['custom']);

  // The echo guest answers by itself, naming the request it saw.
  const after = await request(`${url}/items`);
  expect(after.statusCode).toBe(200);
  expect(after.headers['x-echo-uri']).toBe('/items');
  await after.body.dump();
});
