import { afterAll, expect, it } from 'vitest';
import { pipeline, stage } from '../../src/index.js';
import { conformanceGuest } from './build.js';

// A component's imports are checked before any of its core modules compiles: a
// componentize-qjs guest importing WASI is refused naming its WASI imports, also on a
// runtime (Node 20) where its core modules would not compile (extended-const).
const p = pipeline([stage({ name: 'js-wasi', component: await conformanceGuest('js-wasi') })]);
afterAll(() => p.close());

it('refuses the WASI imports by name, before compiling', async () => {
  const err = await p.ready().then(
    () => undefined,
    (e: unknown) => e as { code: string; imports: string[] },
  );
  expect(err?.code).toBe('WITLINE_IMPORT_DENIED');
  expect(err?.imports).toEqual(expect.arrayContaining([expect.stringMatching(/^wasi:cli\/environment@/), expect.stringMatching(/^wasi:io\/streams@/)]));
  expect(err?.imports.every((i) => i.startsWith('wasi:'))).toBe(true);
});
