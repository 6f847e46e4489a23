// Every code witline can raise is in the README's error table, with the status the
// registry gives it: a code raised anywhere in src/ (a 'WITLINE_…' literal, or a key of
// ERROR_CODES) that the table lacks fails here.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ERROR_CODES } from '../src/index.js';

const root = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Codes written as string literals in the sources (environment variables and doc comments do not quote them so). */
function raisedCodes(): Set<string> {
  const codes = new Set<string>(Object.keys(ERROR_CODES));
  for (const file of sources(join(root, 'src'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/['"](WITLINE_[A-Z_]+)['"]/g)) codes.add(m[1]);
  }
  return codes;
}

/** The README's error table: code -> status. */
function documented(): Map<string, number> {
  const rows = new Map<string, number>();
  for (const m of readFileSync(join(root, 'README.md'), 'utf8').matchAll(/^\| `(WITLINE_[A-Z_]+)` \| (\d{3}) \|/gm)) rows.set(m[1], Number(m[2]));
  return rows;
}

it('lists every code raised in src/ in the README table, with its registry status', () => {
  const raised = raisedCodes();
  const table = documented();
  // The scan finds what it should: the registry, and codes only written as literals.
  expect(raised.size).toBeGreaterThanOrEqual(Object.keys(ERROR_CODES).length);
  expect([...raised].filter((c) => !table.has(c))).toEqual([]);
  expect([...raised].filter((c) => !(c in ERROR_CODES))).toEqual([]);
  for (const [code, { status }] of Object.entries(ERROR_CODES)) expect([code, table.get(code)]).toEqual([code, status]);
});
