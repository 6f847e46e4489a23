// `witline new <name> --lang as|js|c` writes a middleware folder whose test builds and
// passes as written: for each language, the scaffold is written into this repository's
// middleware/ (as a user of the repository would), built by the real builder, and its own
// test run by vitest in a child process; the folder and its build outputs are removed after.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { CLI } from './support.js';

const root = join(import.meta.dirname, '..', '..');
const made: string[] = [];
afterAll(() => {
  for (const name of made) {
    rmSync(join(root, 'middleware', name), { recursive: true, force: true });
    for (const ext of ['wasm', 'inputs']) rmSync(join(root, 'build', 'middleware', `${name}.${ext}`), { force: true });
  }
});

it.each(['as', 'js', 'c'] as const)(
  'scaffolds a %s middleware that builds and passes its own test',
  (lang) => {
    const name = `scaffold-${lang}-${process.pid}`;
    made.push(name);
    const out = execFileSync(process.execPath, [CLI, 'new', name, '--lang', lang], { cwd: root, encoding: 'utf8' });
    expect(out).toContain(`middleware/${name}/passes-through.test.ts`);
    execFileSync(process.execPath, ['scripts/build-middleware.mjs', name], { cwd: root, stdio: 'pipe' });
    // Its own test, as written, on this Node (on one without extended-const a JS guest's test checks the load error).
    const run = execFileSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', `middleware/${name}`], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, CI: '1' },
    });
    expect(run).toMatch(/1 passed/);
  },
  120_000,
);

it('refuses an invalid name, naming the rule', () => {
  expect(() => execFileSync(process.execPath, [CLI, 'new', 'Bad_Name'], { cwd: root, stdio: 'pipe' })).toThrow(/invalid middleware name 'Bad_Name'/);
});
