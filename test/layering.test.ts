// Imports only point down: every folder of src/ imports only folders below it in this
// order (README, "How a request flows"), never one beside or above it. A new folder must
// be given its place here.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';

const RANK: Record<string, number> = {
  core: 0,
  abi: 1,
  http: 1, // the node:http edge: only core/, serving any `Handles`
  host: 2,
  component: 3,
  redis: 3, // witline/redis: a store for host/
  segment: 4,
  pool: 5,
  pipeline: 6,
  middleware: 7, // the bundled factories build stages
  adapters: 7,
  cli: 8,
};

const src = join(import.meta.dirname, '..', 'src');
const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(ts|mts|mjs)$/.test(f) && f.includes('/'));

it('has a rank for every folder of src/', () => {
  expect(new Set(files.map((f) => f.split('/')[0]).filter((d) => !(d in RANK)))).toEqual(new Set());
});

it('imports only from folders of a lower rank (or its own)', () => {
  const upward: string[] = [];
  for (const f of files) {
    const from = f.split('/')[0];
    const text = readFileSync(join(src, f), 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.\.?\/[^']+)'/g)) {
      const target = relative(src, join(src, f, '..', m[1])).split('/')[0];
      if (target === from || !(target in RANK)) continue;
      if (RANK[target] >= RANK[from]) upward.push(`${f} imports ${m[1]}`);
    }
  }
  expect(upward).toEqual([]);
});
