// A handler behind fused stages runs inside their request frame as a host call, which the
// watchdog never stops halfway. A pipeline that handler calls is guest code again: its
// looping stage is stopped at its own deadline (the native frame reopens host calls for it),
// the inner pipeline answers 503 and the outer request goes on to its own answer. Run in a
// child process: were the inner stage not stopped, the child's main thread would loop
// forever, which only a timeout from outside can end (and fail).
import { expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

it('stops a looping stage of a pipeline called from inside another request frame', async () => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', 'support', 'nested-pipeline.ts')], { timeout: 30_000 });
  expect(JSON.parse(stdout)).toEqual({
    modes: [['fused'], ['fused']],
    status: 200,
    inner: '503',
    echo: 'b, a',
    replaced: [
      [0, 1],
      [0, 0],
    ],
  });
}, 40_000);
