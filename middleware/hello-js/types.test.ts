import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const tsc = (project: string) =>
  run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project]).then(
    () => '',
    (e: { stdout: string }) => e.stdout,
  );

it('type-checks against the SDK types, and a wrong return type is caught', async () => {
  expect(await tsc('middleware/sdk-js')).toBe('');
  // The same middleware returning the request instead of an action must not type-check.
  const dir = await mkdtemp(join('build', 'types-'));
  try {
    await mkdir(join(dir, 'bad'));
    const src = (await readFile('middleware/hello-js/index.js', 'utf8')).replaceAll("'../sdk-js/", "'../../../middleware/sdk-js/");
    await writeFile(join(dir, 'bad', 'index.js'), src.replace('return next(req);', 'return req;'));
    const config = JSON.parse(await readFile('middleware/sdk-js/tsconfig.json', 'utf8'));
    config.include = ['bad/index.js'];
    config.exclude = [];
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(config));
    const errors = (await tsc(dir)).trim().split('\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/index\.js\(\d+,\d+\): error TS2322: Type 'Request' is not assignable to type 'Action'/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
