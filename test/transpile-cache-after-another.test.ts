import { expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

// The cache key must not depend on what a process transpiled before: jco once added a
// field to the options object the key hashes, so a component transpiled second in one
// process was a miss for every fresh process.
const run = promisify(execFile);

async function start(cacheDir: string, ...components: string[]) {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'support', 'start-pipeline.ts'), cacheDir, ...components]);
  return JSON.parse(stdout) as { stages: Array<{ name: string; cache: string; transpileMs: number }> };
}

it('a component transpiled after another one is a cache hit for a fresh process', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'witline-cache-'));
  try {
    const first = await start(dir, 'echo', 'transform');
    expect(first.stages[0]).toMatchObject({ name: 'transform', cache: 'miss' });
    expect(await readdir(dir)).toHaveLength(2); // one entry per component

    const fresh = await start(dir, 'transform');
    expect(fresh.stages[0]).toMatchObject({ name: 'transform', cache: 'hit', transpileMs: 0 });
    expect(await readdir(dir)).toHaveLength(2);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);
