// Shared set-up for the hello-c tests: the real component built from index.c by
// `npm run build:middleware`, as a stage, and pipelines closed after each file.
import { afterAll } from 'vitest';
import { pipeline, stage, type PipelineOptions, type Stage, type StageOptions } from '../../src/index.js';
import { bundledComponent } from '../../src/middleware/bundled.js';

export function helloC(options: Omit<StageOptions, 'component'> = {}): Stage {
  return stage({ name: 'hello-c', capabilities: ['kv', 'context'], ...options, component: bundledComponent('hello-c') });
}

const open: Array<{ close(): Promise<void> }> = [];
afterAll(() => Promise.all(open.splice(0).map((p) => p.close())));

/** A pipeline closed after the file's tests. */
export function openPipeline(stages: Stage[], options: PipelineOptions = {}) {
  const p = pipeline(stages, options);
  open.push(p);
  return p;
}

/** A handler answering with the request headers it received, as JSON. */
export const reportHeaders = (req: { headers: ReadonlyArray<readonly [string, string]> }) => ({
  status: 200,
  headers: [['content-type', 'application/json']] as Array<[string, string]>,
  body: JSON.stringify(req.headers),
});
