import { expect, it } from 'vitest';
import { GuestConfigError, pipeline } from '../src/index.js';
import { echo } from './support/components.js';

it("surfaces the guest's configure error with the stage name", async () => {
  const p = pipeline([echo({ config: { nonsense: 'x' } })]);
  const err = await p.ready().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GuestConfigError);
  expect((err as GuestConfigError).code).toBe('WITLINE_GUEST_CONFIG');
  expect((err as Error).message).toBe("stage 'echo' rejected its configuration: echo: unknown setting 'nonsense'");
  await p.close();
});
