// Shared set-up for the pool tests: a logger that lets a test wait for a line (the echo
// guest logs `echo: spinning on <uri>` before it loops forever, which tells a test that
// its task is running in a worker), and access to a pipeline's pooled segment.
import type { Pipeline } from '../../src/index.js';
import { kSegments } from '../../src/pipeline/internal.js';
import { PooledSegment } from '../../src/pool/pool.js';

/** A logger recording every line, with a promise for the first line containing a text. */
export function watchLogs() {
  const lines: string[] = [];
  const waiting: Array<{ text: string; resolve: () => void }> = [];
  const write = (message: string) => {
    lines.push(message);
    for (const w of waiting.splice(0)) {
      if (message.includes(w.text)) w.resolve();
      else waiting.push(w);
    }
  };
  return {
    lines,
    logger: { debug: write, info: write, warn: write, error: write },
    /** Resolves once a line containing `text` has been logged after this call. */
    next: (text: string) => new Promise<void>((resolve) => waiting.push({ text, resolve })),
  };
}

/** The pipeline's (first) pooled segment. */
export function pooledSegment(p: Pipeline, index = 0): PooledSegment {
  const seg = p[kSegments].filter((s) => s instanceof PooledSegment)[index];
  if (!seg) throw new Error('no pooled segment');
  return seg as PooledSegment;
}

/** Wait, turn by turn of the event loop (no timers), until `cond()` holds. */
export async function until(cond: () => boolean, turns = 100_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('condition not reached');
}

/** One pool of one thread, for tests that must know where each task runs. */
export const ONE_THREAD = { minThreads: 1, maxThreads: 1 } as const;
