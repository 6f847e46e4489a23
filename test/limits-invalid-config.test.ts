// Limits that are not positive integers are refused when the pipeline is made, with
// the set-up error every bad option gets.
import { expect, it } from 'vitest';
import { InvalidConfigError, pipeline } from '../src/index.js';

it('refuses a limit that is not a positive integer with WITLINE_INVALID_CONFIG', async () => {
  for (const limits of [{ maxBodyBytes: 0 }, { maxHeaderBytes: -1 }, { maxHeaderCount: 1.5 }, { maxUrlLength: Number.NaN }]) {
    let thrown: unknown;
    try {
      pipeline([], { limits });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InvalidConfigError);
    expect(thrown).toMatchObject({ code: 'WITLINE_INVALID_CONFIG', message: expect.stringMatching(/^limits\.\w+ must be a positive integer, got /) });
  }
  const ok = pipeline([], { limits: { maxBodyBytes: 10 } });
  expect(ok.limits.maxBodyBytes).toBe(10);
  await ok.close();
});
