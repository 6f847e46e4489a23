// Each subpath loads only what it needs: a user of witline/undici never loads Express or
// piscina, a user of witline/express never loads undici or piscina, and witline itself
// loads neither adapter's library, nor the Redis client (only witline/redis does). Run against dist (built by `npm test`), in fresh
// processes, as users import it.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../support/loaded-packages.mjs', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));

/** npm packages loaded by a fresh process after importing `specifiers`. */
function loaded(...specifiers: string[]): string[] {
  return JSON.parse(execFileSync(process.execPath, [script, ...specifiers], { cwd: root, encoding: 'utf8' }));
}

describe('the check itself', () => {
  it.each(['express', 'undici', 'piscina', 'redis'])('sees %s when it is imported', (name) => {
    expect(loaded(name)).toContain(name);
  });
});

it('loads the Redis client for witline/redis', () => {
  expect(loaded('witline/redis')).toEqual(expect.arrayContaining(['redis', '@redis/client']));
});

it.each([
  [['witline/undici'], ['express', 'piscina']],
  [['witline/express'], ['undici', 'piscina', 'express']],
  [['witline', 'witline/undici'], ['express']],
  [['witline', 'witline/express'], ['undici']],
  [
    ['witline', 'witline/middleware'],
    ['express', 'undici'],
  ],
  [
    ['witline', 'witline/middleware', 'witline/express', 'witline/undici'],
    ['redis', '@redis/client'],
  ],
  [['witline/redis'], ['express', 'undici', 'piscina']],
])('importing %j loads none of %j', (specifiers, absent) => {
  const names = loaded(...specifiers);
  for (const name of absent) expect(names).not.toContain(name);
});
