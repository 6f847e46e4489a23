import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runToEnd, SECRET, tempDir, writeConfig } from './support.js';

it("describe: prints the loaded pipeline's plan as JSON", async () => {
  const file = join(tempDir(), 'witline.config.json');
  writeConfig(file, {
    upstream: 'http://127.0.0.1:9',
    fusion: 'off',
    stages: [
      { use: 'auth', options: { secret: SECRET } },
      { use: 'transform', name: 'stamp', options: { response: { setHeaders: { 'x-served-by': 'witline' } } } },
    ],
  });
  const r = await runToEnd(['describe', '--config', file]);
  expect(r.code).toBe(0);
  const plan = JSON.parse(r.stdout);
  expect(plan.fusion).toBe('off');
  expect(plan.terminal).toBe('upstream http://127.0.0.1:9/');
  expect(plan.segments).toEqual([
    { mode: 'per-hop', stages: ['auth'] },
    { mode: 'per-hop', stages: ['stamp'] },
  ]);
  expect(plan.stages.map((s: { name: string; phases: string[] }) => [s.name, s.phases])).toEqual([
    ['auth', ['request']],
    ['stamp', ['response']], // a transform with response rules only: witline calls that phase alone
  ]);
});
