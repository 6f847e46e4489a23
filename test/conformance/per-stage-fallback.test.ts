import { afterAll, expect, it } from 'vitest';
import { pipeline, stage } from '../../src/index.js';
import { conformanceGuest } from './build.js';
import { bundled, expectConforms, LIMITS, reflect } from './model.js';

// A stage the codec cannot serve (its handlers lift UTF-16 strings) runs on jco's
// bindings, per hop, on its own: the stages around it keep the codec and still fuse, and
// describe() says why that one stage does not.
const p = pipeline(
  [
    bundled({ name: 'first' }),
    stage({ name: 'utf16', component: await conformanceGuest('wat-utf16'), capabilities: [] }),
    bundled({ name: 'a' }),
    bundled({ name: 'b' }),
  ],
  {
    handler: reflect,
    limits: LIMITS,
  },
);
afterAll(() => p.close());

it('falls back to jco’s bindings for that stage alone, and says why', async () => {
  await p.ready();
  const d = p.describe();
  expect(d.segments).toEqual([
    { mode: 'per-hop', stages: ['first'] },
    { mode: 'per-hop', stages: ['utf16'] },
    { mode: 'fused', stages: ['a', 'b'] },
  ]);
  expect(d.stages.map((s) => s.binding)).toEqual(['codec', 'jco', 'codec', 'codec']);
  expect(d.stages[1].bindingReason).toMatch(/other than UTF-8/);
  expect(d.stages.filter((s) => s.bindingReason !== undefined)).toHaveLength(1);
  const alone = pipeline([stage({ name: 'utf16', component: await conformanceGuest('wat-utf16'), capabilities: [] }), bundled()], {
    handler: reflect,
    limits: LIMITS,
  });
  try {
    await expectConforms(alone, 'wat');
  } finally {
    await alone.close();
  }
});
