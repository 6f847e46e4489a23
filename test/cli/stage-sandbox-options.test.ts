// The sandbox options are stage options in the config file too (any stage, bundled or a
// component): timeoutMs, maxMemoryBytes, failurePolicy, interrupt; `pool.timeoutMs` alone
// still sets a pooled stage's timeout; a bad value is refused by `check` at its field.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ECHO_WASM, runToEnd, SECRET, tempDir, writeConfig } from './support.js';

it('describe: each stage runs under the sandbox options its entry gives', async () => {
  const file = join(tempDir(), 'witline.config.json');
  writeConfig(file, {
    upstream: 'http://127.0.0.1:9',
    stages: [
      { use: 'auth', options: { secret: SECRET }, interrupt: 'fuel', failurePolicy: 'open' },
      { use: 'transform', name: 'stamp', options: { response: { setHeaders: { 'x-a': 'b' } } }, timeoutMs: 0 },
      { component: ECHO_WASM, name: 'pooled', pool: { timeoutMs: 250 } },
      { component: ECHO_WASM, name: 'capped', maxMemoryBytes: 1024 * 1024, timeoutMs: 300 },
    ],
  });
  const r = await runToEnd(['describe', '--config', file]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const plan = JSON.parse(r.stdout);
  expect(plan.stages.map((s: { name: string; interrupt: string }) => [s.name, s.interrupt])).toEqual([
    ['auth', 'fuel'],
    ['stamp', 'none'],
    ['pooled', 'pool'],
    ['capped', 'watchdog'],
  ]);
});

it('check: refuses a bad sandbox option at its field', async () => {
  const file = join(tempDir(), 'witline.config.json');
  writeFileSync(
    file,
    ['{', '  "stages": [', `    { "use": "auth", "options": { "secret": "${SECRET}" }, "failurePolicy": "sometimes" }`, '  ]', '}'].join('\n'),
  );
  const r = await runToEnd(['check', '--config', file]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('stages[0].failurePolicy: must be one of "closed", "open"');
});
