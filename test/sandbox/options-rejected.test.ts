// The sandbox options are checked when the stage is declared: a bad value is an
// InvalidConfigError, and pool.timeoutMs is the stage's timeoutMs under another name.
import { expect, it } from 'vitest';
import { stage } from '../../src/index.js';
import { bundledComponent } from '../../src/middleware/bundled.js';

const component = bundledComponent('hostile');

it.each([
  [{ timeoutMs: -1 }, 'timeoutMs must be an integer >= 0, got -1'],
  [{ timeoutMs: 1.5 }, 'timeoutMs must be an integer >= 0, got 1.5'],
  [{ maxMemoryBytes: 1000 }, 'maxMemoryBytes must be 0 or an integer from 65,536 to 4 GiB, got 1000'],
  [{ maxMemoryBytes: 2 ** 33 }, 'maxMemoryBytes must be 0 or an integer from 65,536 to 4 GiB'],
  [{ failurePolicy: 'sometimes' }, "failurePolicy must be 'closed' or 'open', got sometimes"],
  [{ interrupt: 'signal' }, "interrupt must be 'watchdog' or 'fuel', got signal"],
  [{ timeoutMs: 100, pool: { timeoutMs: 200 } }, 'timeoutMs (100) and pool.timeoutMs (200) disagree: give one'],
])('refuses %j', (options, message) => {
  expect(() => stage({ component, ...(options as object) })).toThrow(
    expect.objectContaining({ code: 'WITLINE_INVALID_CONFIG', message: expect.stringContaining(message) }),
  );
});

it('fills in the defaults and folds pool.timeoutMs into timeoutMs', () => {
  expect(stage({ component })).toMatchObject({ timeoutMs: 1000, maxMemoryBytes: 64 * 1024 * 1024, failurePolicy: 'closed' });
  const pooled = stage({ component, pool: { timeoutMs: 250 } });
  expect(pooled.timeoutMs).toBe(250);
  expect(pooled.pool?.timeoutMs).toBe(250);
  expect(stage({ component, timeoutMs: 300, pool: true }).pool?.timeoutMs).toBe(300);
});
