import { afterAll, beforeAll, expect, it } from 'vitest';
import { pipeline, stage, type Pipeline } from '../../src/index.js';
import { hasJspi } from '../../src/component/features.js';
import { conformanceGuest } from './build.js';
import { bundled, expectConforms, LIMITS, reflect } from './model.js';

// JavaScript on componentize-qjs's default runtime (the component-model async ABI): it runs
// on jco's bindings, per hop, where the runtime has JSPI (Node ≥ 25); elsewhere it is
// refused at load with an error naming JSPI, before anything compiles.
const open: Pipeline[] = [];
afterAll(() => Promise.all(open.map((p) => p.close())));
beforeAll(async () => void (await conformanceGuest('js-async')), 120_000); // built from source, outside the test's time

const chain = async (fusion: 'auto' | 'off') => {
  const js = stage({ name: 'js-async', component: await conformanceGuest('js-async') });
  const p = pipeline([js, bundled()], { handler: reflect, limits: LIMITS, fusion });
  open.push(p);
  return p;
};

if (hasJspi()) {
  it('runs per hop on jco’s bindings, fused or not, and answers as the model does', async () => {
    for (const fusion of ['auto', 'off'] as const) {
      const p = await chain(fusion);
      await p.ready();
      const d = p.describe();
      expect(d.stages[0]).toMatchObject({ mode: 'per-hop', binding: 'jco', bindingReason: expect.stringMatching(/component-model async ABI/) });
      await expectConforms(p, 'js');
    }
  });
} else {
  it('is refused at load, naming JSPI and Node ≥ 25', async () => {
    const p = await chain('auto');
    await expect(p.ready()).rejects.toMatchObject({ code: 'WITLINE_COMPONENT_LOAD', feature: 'JSPI' });
    await expect(p.ready()).rejects.toThrow(/JSPI .*Node ≥ 25/);
  });
}
