import type { CallContext } from '../host/call-context.js';
import { DeadlineExceeded, unguarded, type Guard } from '../host/deadline.js';

/**
 * The request frame: a request whose segments are all fused runs its whole synchronous
 * course (each phase of each segment, and the handler between them) inside one watchdog
 * frame that the pipeline opens, rather than one frame per phase. A frame is a native call
 * (JS → C++ → JS) of about a quarter µs on the request path, and a request through fused
 * stages with a response phase made two: the larger part of what the deadline cost
 * (bench/hops, sandbox section). A course with no stage under the watchdog runs in a frame
 * too, of no guard: a frame is also the sign that the course runs to its end before anything
 * else enters its guests, which lets their requests stay in their memories (segment/kept.ts).
 *
 * The price: V8's termination runs no JS `catch` or `finally` on its way out, so a call the
 * watchdog stops unwinds everything up to the frame, not just a phase. What that skips is
 * put right here: the call context and the deadline are restored as they were when the frame
 * opened, and the phase that was running is asked to blame its guest (drop the instance,
 * release the value in flight), as its own `catch` would have: each phase records itself
 * in {@link frame} when it begins. The handler runs in the frame as a host call (the pipeline
 * shields it, host/deadline.ts): the watchdog never stops inside it, so user code is never
 * cut halfway.
 */

/** A segment whose phases can run in a request frame: it can finish a phase the watchdog cut short. */
export interface Framed {
  /**
   * A call of `state`'s phase was terminated (`inPhase`: the phase had not finished, so its
   * own cleanup did not run; else a stage of it had just run past its deadline when it
   * ended). Returns the error the request answers with.
   */
  unwind(state: unknown, err: unknown, inPhase: boolean): unknown;
}

/** This thread's request frame: whether one is open, and the phase last begun inside it. */
export const frame: { open: boolean; segment: Framed | undefined; state: unknown; inPhase: boolean } = {
  open: false,
  segment: undefined,
  state: undefined,
  inPhase: false,
};

/**
 * Run `fn(a, b, c, d)` in a request frame of `guard` (the watchdog's run). A frame opened
 * inside another (a handler that calls another pipeline) is a frame of its own: the native
 * frame reopens host calls for it, and the outer frame's record is kept aside meanwhile.
 */
export function inFrame<T>(guard: Guard, call: CallContext, fn: (a: any, b: any, c: any, d: any) => T, a: unknown, b: unknown, c: unknown, d: unknown): T {
  const { open, segment, state, inPhase } = frame;
  // Only read: every call inside restores both itself, unless a termination skips it (see catch).
  const outerCall = call.current;
  const outerDeadline = call.deadline.current;
  frame.open = true;
  frame.segment = undefined;
  frame.state = undefined;
  frame.inPhase = false;
  try {
    return guard(fn, undefined, a, b, c, d);
  } catch (err) {
    call.deadline.leave(outerDeadline);
    call.leave(outerCall);
    // A termination reaches here as DeadlineExceeded from the native frame; a phase's own
    // failures arrive already turned into witline errors, by its own catch.
    // (Read through the type: the assignments above narrowed it, but the phases changed it since.)
    const running = frame.segment as Framed | undefined;
    if (err instanceof DeadlineExceeded && running) throw running.unwind(frame.state, err, frame.inPhase);
    throw err;
  } finally {
    frame.open = open;
    frame.segment = segment;
    frame.state = state;
    frame.inPhase = inPhase;
  }
}

/**
 * The guard a request through `segments` runs in one frame of, if any: all fused (a
 * segment with a `frameGuard`); the watchdog's when a stage uses it, else `unguarded` (a
 * frame is then only the promise that the course runs synchronously: segment/kept.ts).
 */
export function frameGuard(segments: readonly object[]): Guard | undefined {
  let guard: Guard = unguarded;
  for (const s of segments) {
    const g = (s as { readonly frameGuard?: Guard }).frameGuard;
    if (!g) return undefined;
    if (g !== unguarded) guard = g;
  }
  return guard;
}
