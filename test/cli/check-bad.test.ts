import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runToEnd, tempDir } from './support.js';

it('check: a config the schema refuses exits 1 naming each bad field with its line and column', async () => {
  const file = join(tempDir(), 'witline.config.json');
  writeFileSync(
    file,
    [
      '{',
      '  "listen": { "port": "8080" },',
      '  "stages": [',
      '    { "use": "auth", "options": { "secert": "x" } },',
      '    { "use": "transfrom" }',
      '  ]',
      '}',
    ].join('\n'),
  );
  const r = await runToEnd(['check', '--config', file]);
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toEqual([
    `${file}:2:23: listen.port: must be integer`,
    `${file}:4:35: stages[0].options.secert: is not a known field here`,
    `${file}:5:14: stages[1].use: must be one of "auth", "rateLimit", "rate-limit", "transform", "signature"`,
  ]);
});
