// Shared set-up for the hello-js tests: the real component built from index.js by
// `npm run build:middleware` (componentize-qjs), as a stage.
//
// It runs through the codec with default options: the codec takes the memory and realloc
// the component's lifts name (its handler module imports its memory and its realloc is an
// alias), so it fuses with its neighbours. Its QuickJS core module uses extended-const,
// which Node 20 cannot compile: there each test instead checks that loading fails with an
// error naming the feature; the behaviour runs on Node 22 and later (CI: Node 26).
import { afterAll, it } from 'vitest';
import { pipeline, stage, type PipelineOptions, type Stage, type StageOptions } from '../../src/index.js';
import { bundledComponent } from '../../src/middleware/bundled.js';

export function helloJs(options: Omit<StageOptions, 'component'> = {}): Stage {
  return stage({ name: 'hello-js', capabilities: ['kv', 'context'], ...options, component: bundledComponent('hello-js') });
}

const open: Array<{ close(): Promise<void> }> = [];
afterAll(() => Promise.all(open.splice(0).map((p) => p.close())));

/** A pipeline with default options, closed after the file's tests. */
export function openPipeline(stages: Stage[], options: PipelineOptions = {}) {
  const p = pipeline(stages, options);
  open.push(p);
  return p;
}

/** A module whose one global is initialised with `i32.add`: valid only with extended-const. */
const EXTENDED_CONST = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 6, 9, 1, 0x7f, 0, 0x41, 1, 0x41, 2, 0x6a, 0x0b]);
export const hasExtendedConst = WebAssembly.validate(EXTENDED_CONST);

/**
 * A test of hello-js's behaviour where the runtime can compile it; elsewhere (Node 20)
 * the test that loading it fails, naming what the compiler refused.
 */
export function itRuns(name: string, fn: () => Promise<void>) {
  if (hasExtendedConst) return it(name, fn);
  it(`${name} (this runtime lacks extended-const: loading fails)`, async () => {
    const p = openPipeline([helloJs()]);
    await expectRejects(p.ready(), /lacks the WebAssembly feature extended-const \(Node ≥ 22\).*i32\.add is not allowed in constant expressions/);
  });
}

async function expectRejects(promise: Promise<unknown>, message: RegExp) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof Error) || !message.test(err.message)) throw new Error(`expected a rejection matching ${message}, got ${String(err)}`);
}

/** A handler answering with the request headers it received, as JSON. */
export const reportHeaders = (req: { headers: ReadonlyArray<readonly [string, string]> }) => ({
  status: 200,
  headers: [['content-type', 'application/json']] as Array<[string, string]>,
  body: JSON.stringify(req.headers),
});
