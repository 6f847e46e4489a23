// The sandbox's rewritten core modules are cached beside the transpile output: a fresh
// process with a warm cache neither transpiles nor rewrites (transpileMs counts both), and
// one whose rewritten modules are gone rewrites them again from the cached transpile.
import { expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function start(cacheDir: string) {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', 'support', 'start-pipeline.ts'), cacheDir, 'echo']);
  return JSON.parse(stdout) as { status: number; stages: Array<{ cache: string; transpileMs: number }> };
}

it('rewrites once per component and settings, then reads the rewrite from the cache', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'witline-sandbox-cache-'));
  try {
    const cold = await start(dir);
    expect(cold.status).toBe(200);
    expect(cold.stages[0].cache).toBe('miss');
    const [entry] = await readdir(dir);
    const rewrites = (await readdir(join(dir, entry))).filter((f) => f.startsWith('sandbox-'));
    expect(rewrites).toHaveLength(1);

    const warm = await start(dir);
    expect(warm.stages[0]).toMatchObject({ cache: 'hit', transpileMs: 0 });

    await rm(join(dir, entry, rewrites[0]), { recursive: true });
    const again = await start(dir);
    expect(again.stages[0].cache).toBe('hit');
    expect(again.stages[0].transpileMs).toBeGreaterThan(0);
    expect((await readdir(join(dir, entry))).filter((f) => f.startsWith('sandbox-'))).toEqual(rewrites);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);
