import type { Guest } from '../component/guest.js';
import { ACTION, REQUEST_FLAT } from '../abi/layout.js';
import { lowerRequest, lowerResponse } from '../abi/lower.js';
import { liftRequest, liftResponse } from '../abi/lift.js';
import { checkedCopyRequest, checkedCopyResponse, copyRequest, copyResponse } from '../abi/hop.js';
import { restoreImage } from '../abi/image.js';
import { invalidHop } from '../abi/hop-check.js';
import type { HostMemory } from '../abi/host-memory.js';
import { AbiError, type AbiMemory } from '../abi/memory.js';
import { GuestInvalidOutputError, StageTimeoutError, WitlineError } from '../core/errors.js';
import type { RequestContext, WitRequest, WitResponse } from '../core/types.js';
import type { CallContext } from '../host/call-context.js';
import { unguarded, type Deadline, type Guard } from '../host/deadline.js';
import type { RequestOutcome, Segment, SegmentDescription } from '../core/segment.js';
import { checkHeadSize, checkRequest, checkResponse } from '../core/validate.js';
import { traceStage, tracingStages } from '../core/trace.js';
import { frame, type Framed } from './frame.js';
import { Course, evacuate, recycle, seen, stay, type Seen } from './kept.js';

/**
 * A value in flight, held in memory: a record a guest returned (awaiting its post-return),
 * or (`guest` undefined) a record in host memory, as a worker receives a request.
 */
export interface Held {
  guest: Guest | undefined;
  mem: AbiMemory;
  /** The pointer the export returned (what post-return takes). */
  ret: number;
  /** The record being passed on (inside the returned value). */
  rec: number;
  post: ((ptr: number) => void) | undefined;
}

/** A record in host memory as a value in flight (nothing to release). */
export function held(mem: AbiMemory, rec: number): Held {
  return { guest: undefined, mem, ret: rec, rec, post: undefined };
}

/** What the response phase needs: the stages entered, in order, and the host memory holding their snapshots. */
export interface FusedState {
  entered: Array<{ guest: Guest; seen: Seen | undefined }>;
  snap: HostMemory | undefined;
  /** Set while stage calls are watched (core/trace.ts): the request entering the segment and its context. */
  trace?: { request: WitRequest; ctx: RequestContext | undefined };
  /**
   * While a phase runs: the guest whose deadline is running (to blame for a failure) and the
   * value in flight (to release). Kept here, not in locals, because a call the watchdog
   * terminates unwinds the whole phase, and only the frame around it can clean up.
   */
  running?: Guest;
  from?: Held;
  /** On the main thread (a Course, segment/kept.ts), whose requests may stay in their guests: move them out. */
  evacuate?(): void;
}

/** Where a value leaving the segment goes: lifted to JS (main thread) or copied to host memory (worker). */
export type Exit<T> = (v: Held) => T;

/**
 * A value leaving the segment for JS is checked on its bytes in the guest's memory (one
 * call, abi/hop-check.ts: the same rules as core/validate.ts's string checks), then lifted
 * with no check per string; a refusal is worded by the string checks.
 */
const liftNext: Exit<WitRequest> = (v) => {
  const g = v.guest!;
  const reason = invalidHop(v.mem, v.rec, 'request');
  const req = liftRequest(v.mem, v.rec, g.spec.lift);
  if (reason === undefined) return req;
  checkRequest(g.spec.stage, req);
  throw new GuestInvalidOutputError(g.spec.stage, reason);
};
const liftAnswer: Exit<WitResponse> = (v) => {
  const g = v.guest!;
  const reason = invalidHop(v.mem, v.rec, 'response');
  const resp = liftResponse(v.mem, v.rec, g.spec.lift);
  if (reason === undefined) {
    checkHeadSize(g.spec.stage, resp.headers, g.spec.lift);
    return resp;
  }
  checkResponse(g.spec.stage, resp, g.spec.lift);
  throw new GuestInvalidOutputError(g.spec.stage, reason);
};

/** A guest's output about to enter another guest must be what per-hop mode would let through (abi/hop-check.ts). */
function checkHop(v: Held, kind: 'request' | 'response'): void {
  const reason = invalidHop(v.mem, v.rec, kind);
  if (reason !== undefined) throw new GuestInvalidOutputError(v.guest!.spec.stage, reason);
}

function release(v: Held | undefined): void {
  if (v) v.post?.(v.ret);
}

/** Release the value in flight: its post-return is its guest's code, run under that guest's deadline. */
function releaseHeld(state: FusedState, deadline: Deadline, current: Guest): void {
  const v = state.from!;
  state.from = undefined;
  if (!v.post) return;
  const owner = v.guest!;
  if (owner !== current) {
    state.running = owner;
    deadline.enter(owner.spec.timeoutMs ?? 0);
  }
  v.post(v.ret);
  if (owner !== current) {
    state.running = current;
    deadline.enter(current.spec.timeoutMs ?? 0);
  }
}

/**
 * Blame the right guest for a failure mid-hop: a value that does not fit its memory is
 * the fault of the guest that returned it (`source`); anything else (a trap, in a call
 * or in `cabi_realloc`) of the guest being called. The other guest, healthy, is released.
 */
function fail(err: unknown, current: Guest, source: Held | undefined): never {
  if (err instanceof WitlineError) {
    release(source);
    throw err;
  }
  const blamed = err instanceof AbiError && source?.guest ? source.guest : current;
  if (source && source.guest !== blamed) {
    try {
      release(source);
    } catch {
      /* it will be reported on its own next call */
    }
  }
  return blamed.fail(err);
}

/**
 * Into guest `g`: a copy from `from`, or lowered from `js`, as its arguments. Another guest's
 * output is checked on the way in (one Wasm call with the copy where the runtime has
 * multi-memory); a record in host memory (a worker's request) was lowered by the host.
 */
function enterRequest(g: Guest, from: Held | undefined, js: WitRequest | undefined): void {
  if (!from) return lowerRequest(g.core!.mem, js!, g.args, 0);
  if (!from.guest) return copyRequest(from.mem, from.rec, g.core!.mem, g.args, 0);
  const reason = checkedCopyRequest(from.mem, from.rec, g.core!.mem, g.args, 0);
  if (reason !== undefined) throw new GuestInvalidOutputError(from.guest.spec.stage, reason);
}

/** Guest `g`'s request phase on the arguments `enterRequest` gave it. */
function callRequest(g: Guest, trace: FusedState['trace']): number {
  const core = g.core!;
  const a = g.args;
  return trace
    ? traceStage(g.spec.stage, 'request', trace.request, trace.ctx, () => core.onRequest!(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]))
    : core.onRequest!(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]);
}

/** Into guest `g` (the request it saw, and the response from `from` or `resp`), and its response phase. */
function callResponse(g: Guest, state: FusedState, seen: Seen, from: Held | undefined, resp: WitResponse | undefined): number {
  const core = g.core!;
  const a = g.args;
  // The response first: another guest's output is checked on its way in, before anything is
  // allocated in this guest for the call.
  if (from?.guest) {
    const reason = checkedCopyResponse(from.mem, from.rec, core.mem, a, REQUEST_FLAT);
    if (reason !== undefined) throw new GuestInvalidOutputError(from.guest.spec.stage, reason);
  } else if (from) copyResponse(from.mem, from.rec, core.mem, a, REQUEST_FLAT);
  else lowerResponse(core.mem, resp!, a, REQUEST_FLAT);
  // A resident request's flat values are still this guest's arguments (kept.ts: stay).
  if ('resident' in seen) {
    if (seen.flat !== a) for (let i = 0; i < REQUEST_FLAT; i++) a[i] = seen.flat[i];
  } else if ('js' in seen) lowerRequest(core.mem, seen.js, a, 0);
  else if ('image' in seen) restoreImage(state.snap!, seen.image, core.mem, a, 0);
  else copyRequest(state.snap!, seen.snap, core.mem, a, 0);
  const t = state.trace;
  return t
    ? traceStage(g.spec.stage, 'response', t.request, t.ctx, () =>
        core.onResponse!(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13]),
      )
    : core.onResponse!(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13]);
}

/**
 * Adjacent synchronous stages fused into one call chain. The request is lowered once on
 * entry; each `next(request)` is copied from one stage's memory into the next stage's
 * (`abi/hop.ts`) with no JS objects and no awaits in between; it is lifted only when it
 * leaves the segment. The response phase runs the same way, in reverse.
 *
 * A worker thread of a pooled segment runs the same chain with the request entering from
 * host memory and the results copied back into it (`runRequest`/`runResponse` with other exits).
 */
export class FusedSegment implements Segment, Framed {
  readonly mode = 'fused' as const;
  readonly guests: readonly Guest[];
  readonly stages: readonly string[];
  readonly #call: CallContext;
  /**
   * The watchdog's frame when a stage uses it (a stage with fuel or no deadline is fine inside
   * it too): around each phase, or around a whole request (segment/frame.ts reads it).
   */
  readonly frameGuard: Guard;

  /** `call`: the host's per-call state, entered around each synchronous run of the chain. */
  constructor(guests: readonly Guest[], call: CallContext) {
    this.guests = guests;
    this.stages = guests.map((g) => g.spec.stage);
    this.#call = call;
    this.frameGuard = guests.find((g) => g.guard !== unguarded)?.guard ?? unguarded;
  }

  describe(): SegmentDescription {
    return { mode: this.mode, stages: [...this.stages] };
  }

  replaced(): readonly number[] {
    return this.guests.map((g) => g.replaced);
  }

  /** Undefined when every guest is live; else a promise of the replacements (after a trap). */
  whenLive(): Promise<void> | undefined {
    // Twice per request: a loop, not `every` and its callback.
    const guests = this.guests;
    let live = true;
    for (let i = 0; i < guests.length; i++) live &&= guests[i].core !== undefined;
    if (live) return undefined;
    return (async () => {
      for (const g of this.guests) if (!g.core) await g.instance();
    })();
  }

  request(req: WitRequest, ctx?: RequestContext): RequestOutcome | Promise<RequestOutcome> {
    const live = this.whenLive();
    if (live) return live.then(() => this.request(req, ctx));
    const state = new Course(tracingStages() ? { request: req, ctx } : undefined);
    // Guests may ask for the request's context: it is current for the synchronous run only.
    const outer = this.#call.enter(ctx);
    let out;
    try {
      out = this.runRequest(state, req, liftNext, liftAnswer);
    } finally {
      this.#call.leave(outer);
    }
    return 'respond' in out ? out : { next: out.next ?? req, state };
  }

  response(state: unknown, resp: WitResponse, ctx?: RequestContext): WitResponse | Promise<WitResponse> {
    const s = state as FusedState;
    const live = this.whenLive();
    if (live) return live.then(() => this.response(state, resp, ctx));
    const outer = this.#call.enter(ctx);
    let out;
    try {
      out = this.runResponse(s, undefined, resp, liftAnswer) ?? resp;
    } finally {
      this.#call.leave(outer);
    }
    // Only after a completed response phase: a request that failed keeps its buffer to the GC.
    recycle(s);
    return out;
  }

  /**
   * The request phase, from a JS request or a record held in host memory (in `state.snap`,
   * which then serves as the snapshot of what the first stage saw). `next` is undefined
   * when no stage passed a request on (the input goes on unchanged). Guests must be live.
   */
  runRequest<Q, R>(state: FusedState, origin: WitRequest | Held, exitNext: Exit<Q>, exitAnswer: Exit<R>): { next: Q | undefined } | { respond: R } {
    return this.#phase(state, this.#requestPhase<Q, R>, state, origin, exitNext, exitAnswer);
  }

  /**
   * Run a phase in one guarded frame (the watchdog's, for a stage that uses it: one native
   * call per phase, not per stage; inside a request frame, segment/frame.ts, none of its
   * own), each stage under its own deadline; a failure anywhere (a trap, an invalid value, a
   * timeout, which unwinds the phase) blames the guest running and releases the value in flight.
   */
  #phase<T>(state: FusedState, body: (...args: any[]) => T, a: unknown, b: unknown, c: unknown, d: unknown): T {
    const deadline = this.#call.deadline;
    const outer = deadline.enter(0);
    state.running = undefined;
    state.from = undefined;
    const framed = frame.open;
    if (framed) {
      frame.segment = this;
      frame.state = state;
      frame.inPhase = true;
    }
    try {
      return framed ? body.call(this, a, b, c, d) : this.frameGuard(body, this, a, b, c, d);
    } catch (err) {
      return fail(err, state.running ?? this.guests[0], state.from);
    } finally {
      // `running` stays: the request frame blames it for a termination that lands just after.
      if (framed) frame.inPhase = false;
      state.from = undefined;
      deadline.leave(outer);
    }
  }

  /** See {@link Framed.unwind}: what this phase's `catch` would have done, had the termination let it run. */
  unwind(state: unknown, err: unknown, inPhase: boolean): unknown {
    const s = state as FusedState;
    const g = s.running ?? this.guests[0];
    // The stage had finished (its instance is whole): the request still answers as timed out.
    if (!inPhase) return new StageTimeoutError([g.spec.stage], g.spec.timeoutMs ?? 0);
    try {
      return fail(err, g, s.from);
    } catch (e) {
      return e;
    } finally {
      s.from = undefined;
    }
  }

  #requestPhase<Q, R>(state: FusedState, origin: WitRequest | Held, exitNext: Exit<Q>, exitAnswer: Exit<R>): { next: Q | undefined } | { respond: R } {
    const js = 'mem' in origin ? undefined : origin;
    state.from = 'mem' in origin ? origin : undefined;
    const deadline = this.#call.deadline;
    for (const g of this.guests) {
      // sandbox: each stage's own deadline from its first instruction (its cabi_realloc) to its result.
      state.running = g;
      deadline.enter(g.spec.timeoutMs ?? 0);
      const core = g.core!;
      if (g.resident !== undefined && g.resident !== state) g.resident.evacuate();
      const { request: hasRequest, response: hasResponse } = g.spec.phases;
      const from = state.from;
      // In a request frame, an arena guest's request stays where it is lowered (segment/kept.ts).
      const stays = hasResponse && frame.open && core.mem.packs && state instanceof Course;
      if (!hasRequest) {
        // Kept apart from any guest, another guest's output is checked as if it entered this one.
        if (!stays && hasResponse && from?.guest) checkHop(from, 'request');
        if (stays) enterRequest(g, from, js);
        state.entered.push({ guest: g, seen: stays ? stay(state, g) : hasResponse ? seen(state, g, from, js, false) : undefined });
        continue;
      }
      enterRequest(g, from, js);
      const kept = stays ? stay(state, g) : hasResponse ? seen(state, g, from, js, true) : undefined;
      const ret = callRequest(g, state.trace);
      if (from) releaseHeld(state, deadline, g);
      core.mem.refresh();
      const tag = core.mem.u8[ret + ACTION.tag];
      // A resident request's arena is rewound by the response phase's post-return, not this call's.
      const step: Held = { guest: g, mem: core.mem, ret, rec: ret + ACTION.payload, post: stays && tag === ACTION.next ? undefined : core.postOnRequest };
      state.from = step;
      // A stage answered: the response phase of the segment's earlier stages runs from its memory.
      if (tag === ACTION.respond) {
        if (stays) g.resident = undefined;
        state.from = undefined;
        return { respond: this.runResponse(state, step, undefined, exitAnswer)! };
      }
      if (tag !== ACTION.next) throw new AbiError(`invalid action discriminant ${tag}`);
      // Checked where it goes next: entering a guest (enterRequest), kept (above), or lifted at the exit.
      state.entered.push({ guest: g, seen: kept });
    }
    const last = state.from;
    if (!last?.guest) return { next: undefined };
    state.running = last.guest;
    deadline.enter(last.guest.spec.timeoutMs ?? 0);
    const out = exitNext(last);
    releaseHeld(state, deadline, last.guest);
    return { next: out };
  }

  /**
   * The response phase over the entered stages in reverse; the response starts in a guest
   * or host memory (`from`) or as JS (`resp`). Undefined when no stage ran (unchanged).
   */
  runResponse<R>(state: FusedState, from: Held | undefined, resp: WitResponse | undefined, exit: Exit<R>): R | undefined {
    return this.#phase(state, this.#responsePhase<R>, state, from, resp, exit);
  }

  #responsePhase<R>(state: FusedState, origin: Held | undefined, resp: WitResponse | undefined, exit: Exit<R>): R | undefined {
    const deadline = this.#call.deadline;
    state.from = origin;
    state.running = origin?.guest ?? state.entered[0]?.guest;
    for (let i = state.entered.length - 1; i >= 0; i--) {
      const entry = state.entered[i];
      const g = entry.guest;
      if (!g.spec.phases.response) continue;
      state.running = g;
      deadline.enter(g.spec.timeoutMs ?? 0);
      const core = g.core!;
      if (g.resident !== undefined && g.resident !== state) g.resident.evacuate();
      // Resident in an instance since replaced (a failure while it waited): moved out of the old memory first.
      if ('resident' in entry.seen! && entry.seen.resident !== core.mem) evacuate(state);
      const seen = entry.seen!;
      if (g.resident === state) g.resident = undefined;
      const from = state.from;
      const ret = callResponse(g, state, seen!, from, resp);
      if (from) releaseHeld(state, deadline, g);
      core.mem.refresh();
      state.from = { guest: g, mem: core.mem, ret, rec: ret, post: core.postOnResponse };
    }
    const last = state.from;
    if (!last?.guest) return undefined;
    state.running = last.guest;
    deadline.enter(last.guest.spec.timeoutMs ?? 0);
    const out = exit(last);
    releaseHeld(state, deadline, last.guest);
    return out;
  }
}
