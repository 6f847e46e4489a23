import { ComponentLoadError } from '../core/errors.js';

/**
 * WebAssembly features guests from other toolchains need and older Node versions lack.
 * When a core module fails to compile, the runtime is probed with a tiny module using
 * each feature (`WebAssembly.validate`), so the load error names the feature and the
 * Node version that has it instead of passing on V8's message alone.
 */
interface Feature {
  name: string;
  node: string;
  /** Whether this runtime has it. */
  probe: () => boolean;
  /** What V8 says when a module needs it (so a lacking feature is named only when it is the cause). */
  symptom: RegExp;
}

const validates = (bytes: number[]) => () => WebAssembly.validate(new Uint8Array(bytes));
const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

export const FEATURES: readonly Feature[] = [
  {
    name: 'extended-const',
    node: '22',
    // (global i32 (i32.add (i32.const 1) (i32.const 2)))
    probe: validates([...HEADER, 0x06, 0x09, 0x01, 0x7f, 0x00, 0x41, 0x01, 0x41, 0x02, 0x6a, 0x0b]),
    symptom: /constant expression/i,
  },
  {
    name: 'multi-memory',
    node: '22',
    // (memory 0) (memory 0)
    probe: validates([...HEADER, 0x05, 0x05, 0x02, 0x00, 0x00, 0x00, 0x00]),
    symptom: /one memory|multiple memor|memory index/i,
  },
];

/** JSPI (`WebAssembly.Suspending`), which component-model-async guests need; on by default from Node 25 (late 24.x releases have it too: probed, not assumed from the version). */
export const JSPI = { name: 'JSPI (WebAssembly.Suspending)', node: '25' } as const;

export function hasJspi(): boolean {
  return typeof (WebAssembly as { Suspending?: unknown }).Suspending === 'function';
}

/** The features this runtime lacks that explain a compile error, by probing. */
export function lackingFeatures(err: unknown): Feature[] {
  const message = String((err as Error)?.message ?? err);
  return FEATURES.filter((f) => !f.probe() && f.symptom.test(message));
}

/** A compile failure of one core module as a load error naming the stage and any missing feature. */
export function compileError(stage: string, core: string, err: unknown): ComponentLoadError {
  const lacking = lackingFeatures(err);
  const why = lacking.length
    ? `: this runtime (Node ${process.versions.node}) lacks the WebAssembly feature ${lacking.map((f) => `${f.name} (Node ≥ ${f.node})`).join(', ')}`
    : '';
  return new ComponentLoadError(`stage '${stage}': core module ${core} does not compile${why} (${(err as Error)?.message ?? err})`, {
    cause: err,
    feature: lacking[0]?.name,
  });
}

/** A component-model-async guest on a runtime without JSPI, refused before anything compiles. */
export function requireJspi(stage: string): void {
  if (hasJspi()) return;
  throw new ComponentLoadError(
    `stage '${stage}' uses the component-model async ABI, which needs ${JSPI.name}: Node ≥ ${JSPI.node} (this runtime, Node ${process.versions.node}, lacks it)`,
    { feature: 'JSPI' },
  );
}
