import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ECHO_WASM, runToEnd, SECRET, tempDir, writeConfig } from './support.js';

it('check: a good config, with a component path relative to the file, exits 0 after loading every stage', async () => {
  const dir = tempDir();
  copyFileSync(ECHO_WASM, join(dir, 'echo.wasm'));
  const file = join(dir, 'witline.config.json');
  writeConfig(file, {
    upstream: 'http://127.0.0.1:9',
    stages: [
      { use: 'auth', options: { secret: SECRET } },
      { use: 'rate-limit', options: { burst: 5, perSecond: 1 } },
      { component: './echo.wasm', name: 'echo', capabilities: ['log'] },
    ],
  });
  const r = await runToEnd(['check', '--config', file]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(`${file}: ok (3 stages: auth, rate-limit, echo)\n`);
});
