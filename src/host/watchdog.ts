import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEADLINE_SLOTS, DeadlineExceeded, type Guard } from './deadline.js';

/**
 * The native watchdog (native/watchdog.cc, built by `npm ci` with node-gyp): per JS
 * thread, one watchdog thread that calls V8's TerminateExecution when a guarded call runs
 * past the deadline in {@link DEADLINE_SLOTS}, and `run(fn, self, ...args)`, the native
 * frame where that termination becomes a {@link DeadlineExceeded}. Chosen over fuel for
 * the main thread because guests run unmodified: fuel's counter costs 2–12% of a guest's
 * time; the watchdog costs a native call per guarded call (~100 ns), and its thread sleeps
 * until the deadline of the call running (so, with calls of one timeout, it wakes about
 * once per timeout, and never while the thread is idle): a thread woken every few ms
 * would cost a server pinned to one core a context switch each time (measured: +7%).
 * A node:vm timeout does the same but starts a thread per call (75–500 µs).
 */

interface Native {
  open(slots: Float64Array, errorClass: new () => Error): void;
  run: Guard;
  terminations(): number;
}

/** The addon, where node-gyp puts it: found from this file upwards (src/host/ in a checkout, dist/ when built). */
const ADDON = join('build', 'Release', 'witline_watchdog.node');

let native: Native | null | undefined;
let failure: string | undefined;

function addonPath(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, ADDON))) return join(dir, ADDON);
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** This thread's watchdog, opened on first use; undefined where the addon is not built or does not load ({@link watchdogFailure} says why). */
export function watchdog(): Native | undefined {
  if (native === undefined) {
    try {
      const path = addonPath();
      if (!path) throw new Error(`${ADDON} was not found (npm ci builds it with node-gyp)`);
      const n = createRequire(import.meta.url)(path) as Native;
      n.open(DEADLINE_SLOTS, DeadlineExceeded);
      native = n;
    } catch (err) {
      native = null;
      failure = (err as Error).message;
    }
  }
  return native ?? undefined;
}

/** Why {@link watchdog} is unavailable on this thread, once it was asked for. */
export function watchdogFailure(): string | undefined {
  return failure;
}
