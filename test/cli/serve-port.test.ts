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
    upstream: upstream.url,
    stages: [
      { use: 'auth', options: { secret: SECRET, issuer: 'cli-test' } },
      { use: 'transform', options: { response: { setHeaders: { 'x-served-by': 'witline' } } } },
    ],
  });
  cli = runCli(['serve', '--config', configFile]);
});
afterAll(async () => {
  await cli.stop();
  upstream.server.close();
});

it('serves the config on the port it prints, and logs one line per request', async () => {
  const listening = await cli.waitForMsg('listening');
  expect(listening.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(listening.stages).toEqual(['auth', 'transform']);

  const denied = await request(`${listening.url}/items`);
  expect(denied.statusCode).toBe(401);
  await denied.body.dump();

  const ok = await request(`${listening.url}/items?x=1`, { headers: { authorization: `Bearer ${demoToken('ada', { configFile })}` } });
  expect(ok.statusCode).toBe(200);
  expect(ok.headers['x-served-by']).toBe('witline');
  expect(await ok.body.json()).toEqual({ path: '/items?x=1' });

  const logged = await cli.waitFor((e) => e.msg === 'request' && e.status === 200);
  expect(logged).toMatchObject({ level: 30, method: 'GET', url: '/items?x=1', status: 200 });
  expect(typeof logged.ms).toBe('number');
  expect(cli.entries.find((e) => e.msg === 'request' && e.status === 401)).toMatchObject({ url: '/items' });
});
