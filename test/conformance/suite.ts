// The three ways a conformance guest runs, each beside a bundled stage and checked against
// the model: per hop, fused, and pooled (both stages on one worker pool). A guest that
// needs a WebAssembly feature the runtime lacks must fail to load with the error naming
// it, in every mode: that is asserted instead of skipping.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pipeline, stage, type Pipeline, type Stage } from '../../src/index.js';
import { FEATURES } from '../../src/component/features.js';
import { bundled, expectConforms, LIMITS, reflect } from './model.js';

const POOL = { minThreads: 1, maxThreads: 1 } as const;

export interface GuestUnderTest {
  /** The tag its headers carry. */
  tag: string;
  /** The guest as a stage (a fresh one per pipeline). */
  make: () => Promise<Stage>;
  /** How the codec instantiates it where it runs ('direct' or 'jco'). */
  instantiation: 'direct' | 'jco';
  /** A WebAssembly feature it needs that some supported runtimes lack. */
  needs?: (typeof FEATURES)[number]['name'];
}

const open: Pipeline[] = [];
afterAll(() => Promise.all(open.map((p) => p.close())));

async function chain(g: GuestUnderTest, mode: 'per-hop' | 'fused' | 'pooled'): Promise<Pipeline> {
  const guest = await g.make();
  const stages = mode === 'pooled' ? [stage({ ...guest, pool: POOL }), stage({ ...bundled(), pool: POOL })] : [guest, bundled()];
  const p = pipeline(stages, { handler: reflect, limits: LIMITS, fusion: mode === 'per-hop' ? 'off' : 'auto' });
  open.push(p);
  return p;
}

export function conformanceSuite(g: GuestUnderTest): void {
  // Building a guest from source (clang, componentize-qjs) can take a while on a busy machine: not inside a test's time.
  beforeAll(async () => void (await g.make()), 120_000);
  const lacking = g.needs ? !FEATURES.find((f) => f.name === g.needs)!.probe() : false;
  for (const mode of ['per-hop', 'fused', 'pooled'] as const) {
    if (lacking) {
      it(`${g.tag} ${mode}: refused at load, naming ${g.needs}`, async () => {
        const p = await chain(g, mode);
        const feature = FEATURES.find((f) => f.name === g.needs)!;
        await expect(p.ready()).rejects.toMatchObject({ code: 'WITLINE_COMPONENT_LOAD', feature: feature.name });
        await expect(p.ready()).rejects.toThrow(`${feature.name} (Node ≥ ${feature.node})`);
      });
      continue;
    }
    it(`${g.tag} ${mode}: answers as the model does`, async () => {
      const p = await chain(g, mode);
      await p.ready();
      const d = p.describe();
      expect(d.segments.map((s) => s.mode)).toEqual(mode === 'per-hop' ? ['per-hop', 'per-hop'] : [mode]);
      expect(d.stages[0]).toMatchObject({ binding: 'codec', instantiation: g.instantiation });
      await expectConforms(p, g.tag);
    });
  }
}
