import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runToEnd, SECRET, tempDir } from './support.js';

it('check: options a factory refuses and a component that cannot load are reported at their stage', async () => {
  const file = join(tempDir(), 'witline.config.json');
  writeFileSync(
    file,
    [
      '{',
      '  "stages": [',
      `    { "use": "auth", "options": { "secret": "${SECRET}" } },`,
      '    { "use": "transform", "options": { "request": { "rewritePath": { "from": "api/", "to": "/" } } } },',
      '    { "component": "./missing.wasm" }',
      '  ]',
      '}',
    ].join('\n'),
  );
  // A factory's refusal stops the build: the component is not reached.
  const first = await runToEnd(['check', '--config', file]);
  expect(first.code).toBe(1);
  expect(first.stderr).toMatch(new RegExp(`^${file}:4:38: stages\\[1\\]\\.options: transform: .*rewritePath.*\\n$`));

  writeFileSync(
    file,
    ['{', '  "stages": [', `    { "use": "auth", "options": { "secret": "${SECRET}" } },`, '    { "component": "./missing.wasm" }', '  ]', '}'].join('\n'),
  );
  const second = await runToEnd(['check', '--config', file]);
  expect(second.code).toBe(1);
  expect(second.stderr).toMatch(new RegExp(`^${file}:4:20: stages\\[1\\]\\.component: .*missing\\.wasm.*\\n$`));
});
