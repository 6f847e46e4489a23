// The CLI's server has listen()'s slow-client defaults and takes the config's `listen`
// timeouts: a client that never finishes its headers is answered 408 and closed once
// `listen.headersTimeout` passes (300 ms here; 10 s by default), not after Node's 60 s.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { open, statusOf, untilClosed } from '../hardening/support.js';
import { runCli, tempDir, writeConfig, type CliProcess } from './support.js';

let cli: CliProcess;
beforeAll(() => {
  const configFile = join(tempDir(), 'witline.config.json');
  writeConfig(configFile, { listen: { port: 0, headersTimeout: 300, requestTimeout: 1_000 }, upstream: 'http://127.0.0.1:9', stages: [] });
  cli = runCli(['serve', '--config', configFile]);
});
afterAll(() => cli.stop());

it('closes a client that never finishes its headers', async () => {
  const { url } = (await cli.waitForMsg('listening')) as { url: string };
  const s = await open(Number(new URL(url).port));
  const closed = untilClosed(s);
  const started = Date.now();
  s.write('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ');
  expect(statusOf(await closed)).toBe(408);
  expect(Date.now() - started).toBeLessThan(5_000);
});
