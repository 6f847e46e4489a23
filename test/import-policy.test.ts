import { expect, it } from 'vitest';
import { ImportDeniedError, pipeline } from '../src/index.js';
import { echo } from './support/components.js';

it('refuses at load time a component importing a capability it was not granted, naming it', async () => {
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const p = pipeline([echo({ capabilities: ['clock'] })], { logger: quiet });
  const err = await p.ready().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImportDeniedError);
  expect((err as ImportDeniedError).code).toBe('WITLINE_IMPORT_DENIED');
  expect((err as ImportDeniedError).imports).toEqual(['witline:middleware/log@0.1.0']);
  expect((err as Error).message).toContain("stage 'echo'");
  await expect(p.listen({ port: 0 })).rejects.toBeInstanceOf(ImportDeniedError);
  // requests on a pipeline that failed to load get a 500 with the same code, not a hang
  const res = await p.inject();
  expect(res.status).toBe(500);
  expect(res.json()).toMatchObject({ error: 'WITLINE_IMPORT_DENIED' });
  await p.close();
});
