import { expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function start(cacheDir: string) {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'support', 'start-pipeline.ts'), cacheDir]);
  return JSON.parse(stdout) as { status: number; stages: Array<{ cache: string; transpileMs: number }> };
}

it('transpiles a component once; a restarted process loads it from the cache', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'witline-cache-'));
  try {
    const cold = await start(dir);
    expect(cold.status).toBe(200);
    expect(cold.stages[0].cache).toBe('miss');
    expect(cold.stages[0].transpileMs).toBeGreaterThan(0);
    const entries = await readdir(dir);
    expect(entries).toHaveLength(1); // one folder, named by content hash, no temp leftovers
    expect(entries[0]).toMatch(/^[0-9a-f]{32}$/);

    const warm = await start(dir);
    expect(warm.status).toBe(200);
    expect(warm.stages[0].cache).toBe('hit');
    expect(warm.stages[0].transpileMs).toBe(0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);
