import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { request } from 'undici';
import { demoToken } from '../../examples/gateway/gateway.js';
import { runCli, SECRET, startUpstream, tempDir, writeConfig, type CliProcess } from './support.js';

let cli: CliProcess;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let configFile: string;
const REJECTED = 'config rejected; the previous pipeline keeps serving';
beforeAll(async () => {
  upstream = await startUpstream();
  configFile = join(tempDir(), 'witline.config.json');
  writeConfig(configFile, {
    listen: { port: 0 },
    upstream: upstream.url,
    stages: [
      { use: 'auth', options: { secret: SECRET, issuer: 'cli-test' } },
      { use: 'transform', options: { response: { setHeaders: { 'x-version': 'v1' } } } },
    ],
  });
  cli = runCli(['serve', '--watch', '--config', configFile]);
});
afterAll(async () => {
  await cli.stop();
  upstream.server.close();
});

it('--watch: a broken new config is logged with its field and line, and the old pipeline keeps serving', async () => {
  const { url } = await cli.waitForMsg('listening');
  await cli.waitForMsg('watching the config and its components');
  const headers = { authorization: `Bearer ${demoToken('ada', { configFile })}` };
  const served = async () => {
    const r = await request(`${url}/items`, { headers });
    await r.body.dump();
    return [r.statusCode, r.headers['x-version']];
  };

  let from = cli.entries.length;
  writeConfig(configFile, '{\n  "stages": [\n    { "use": "auth", "options": { "secret": "x" } \n  ]\n}');
  const syntax = await cli.waitForMsg(REJECTED, from);
  expect(syntax.level).toBe(50);
  expect(syntax.issues).toEqual([{ field: '(json)', line: 4, column: 3, message: 'JSON syntax: CommaExpected' }]);
  expect(await served()).toEqual([200, 'v1']);

  from = cli.entries.length;
  writeConfig(configFile, '{\n  "stages": [\n    { "use": "rateLimit", "options": { "burst": 0, "perSecond": 1 } }\n  ]\n}');
  const schema = await cli.waitForMsg(REJECTED, from);
  expect(schema.issues).toEqual([{ field: 'stages[0].options.burst', line: 3, column: 49, message: 'must be >= 1' }]);
  expect(await served()).toEqual([200, 'v1']);
});
