import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { newMiddleware } from '../scripts/new-middleware.mjs';

// The scaffold writes a folder per language (that each one builds and passes its own test
// as written: test/cli/new.test.ts).
const root = await mkdtemp(join(tmpdir(), 'witline-scaffold-'));
afterAll(() => rm(root, { recursive: true, force: true }));

it('writes an entry file and a test per language, and refuses bad names, languages and existing folders', async () => {
  for (const [lang, entry] of [
    ['as', 'index.ts'],
    ['js', 'index.js'],
    ['c', 'index.c'],
  ] as const) {
    await newMiddleware(`my-${lang}`, { lang, root });
    expect((await readdir(join(root, 'middleware', `my-${lang}`))).sort()).toEqual([entry, 'passes-through.test.ts'].sort());
    expect(await readFile(join(root, 'middleware', `my-${lang}`, entry), 'utf8')).toContain(`x-my-${lang}`);
  }
  await expect(newMiddleware('my-c', { lang: 'c', root })).rejects.toThrow('middleware/my-c already exists');
  await expect(newMiddleware('My', { lang: 'c', root })).rejects.toThrow("invalid middleware name 'My'");
  await expect(newMiddleware('sdk-x', { lang: 'c', root })).rejects.toThrow('invalid middleware name');
  await expect(newMiddleware('ok', { lang: 'rust' as never, root })).rejects.toThrow('--lang must be one of as, js, c');
});
