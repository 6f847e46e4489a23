// piscina is a runtime dependency loaded only by pipelines that pool a stage: a fresh
// process serving without pools never loads it; the same process loads it for a pool.
import { expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

it('loads piscina only once a pipeline has a pooled stage', async () => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', 'support', 'pool-lazy.ts')], {
    env: { ...process.env, WITLINE_CACHE_DIR: 'node_modules/.cache/witline-test' },
  });
  expect(JSON.parse(stdout)).toEqual({ plainStatus: 200, withoutPool: false, pooledStatus: 200, withPool: true });
}, 60_000);
