import type { Guest } from '../component/guest.js';
import type { CoreExports } from '../component/core.js';
import { ACTION } from '../abi/layout.js';
import { lowerRequest, lowerResponse } from '../abi/lower.js';
import { liftRequest, liftResponse } from '../abi/lift.js';
import { copyRequest, copyResponse } from '../abi/hop.js';
import { HostMemory } from '../abi/host-memory.js';
import { AbiError } from '../abi/memory.js';
import { WitlineError } from '../errors.js';
import type { WitRequest, WitResponse } from '../types.js';
import type { RequestOutcome, Segment } from './segment.js';
import { checkRequest, checkResponse } from './validate.js';

/** Where the value in flight is: a JS value, or a record in a guest's memory awaiting post-return. */
interface InGuest {
  guest: Guest;
  core: CoreExports;
  /** The pointer the export returned (what post-return takes). */
  ret: number;
  /** The record being passed on (inside the returned value). */
  rec: number;
  post: ((ptr: number) => void) | undefined;
}

/** The request a stage received, kept for its response phase. */
type Seen = { js: WitRequest } | { snap: number };

interface FusedState {
  entered: Array<{ guest: Guest; seen: Seen }>;
  snap: HostMemory | undefined;
}

function release(v: InGuest | undefined): void {
  if (v) v.post?.(v.ret);
}

/**
 * Blame the right guest for a failure mid-hop: a value that does not fit its memory is
 * the fault of the guest that returned it (`source`); anything else (a trap, in a call
 * or in `cabi_realloc`) of the guest being called. The other guest, healthy, is released.
 */
function fail(err: unknown, current: Guest, source: InGuest | undefined): never {
  if (err instanceof WitlineError) {
    release(source);
    throw err;
  }
  const blamed = err instanceof AbiError && source ? source.guest : current;
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
 * Adjacent synchronous stages fused into one call chain. The request is lowered once on
 * entry; each `next(request)` is copied from one stage's memory into the next stage's
 * (`abi/hop.ts`) with no JS objects and no awaits in between; it is lifted only when it
 * leaves the segment. The response phase runs the same way, in reverse.
 */
export class FusedSegment implements Segment {
  readonly mode = 'fused' as const;
  readonly guests: readonly Guest[];
  readonly #needsSnapshot: boolean;

  constructor(guests: readonly Guest[]) {
    this.guests = guests;
    // Only a stage after the first with a response phase needs its input kept host-side.
    this.#needsSnapshot = guests.slice(1).some((g) => g.spec.phases.response);
  }

  /** Every guest live (after a trap, a replacement may still be instantiating). */
  async #live(): Promise<void> {
    for (const g of this.guests) if (!g.core) await g.instance();
  }

  request(req: WitRequest): RequestOutcome | Promise<RequestOutcome> {
    for (const g of this.guests) if (!g.core) return this.#live().then(() => this.request(req));
    const state: FusedState = { entered: [], snap: this.#needsSnapshot ? new HostMemory() : undefined };
    let from: InGuest | undefined; // undefined: the request is `req`, a JS value
    let current = this.guests[0];
    try {
      for (const g of this.guests) {
        current = g;
        const core = g.core!;
        const { request: hasRequest, response: hasResponse } = g.spec.phases;
        let seen: Seen | undefined;
        if (hasResponse) seen = from ? { snap: state.snap!.takeRequest(from.core.mem, from.rec, g.args) } : { js: req };
        if (!hasRequest) {
          state.entered.push({ guest: g, seen: seen! });
          continue;
        }
        const a = g.args;
        if (from) {
          copyRequest(from.core.mem, from.rec, core.mem, a, 0);
          const done = from;
          from = undefined;
          release(done);
        } else {
          lowerRequest(core.mem, req, a, 0);
        }
        const ret = core.onRequest!(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]);
        core.mem.refresh();
        const tag = core.mem.u8[ret + ACTION.tag];
        const step: InGuest = { guest: g, core, ret, rec: ret + ACTION.payload, post: core.postOnRequest };
        if (tag === ACTION.respond) return { respond: this.#respond(state, step) };
        if (tag !== ACTION.next) {
          from = step;
          throw new AbiError(`invalid action discriminant ${tag}`);
        }
        state.entered.push({ guest: g, seen: seen ?? { js: req } });
        from = step;
      }
      if (!from) return { next: req, state };
      const last = from;
      current = last.guest;
      const out = liftRequest(last.core.mem, last.rec);
      from = undefined;
      release(last);
      return { next: checkRequest(last.guest.spec.stage, out), state };
    } catch (err) {
      return fail(err, current, from);
    }
  }

  /** A stage answered: run the response phase of the segment's earlier stages from its memory. */
  #respond(state: FusedState, answer: InGuest): WitResponse {
    return this.#responsePhase(state, answer, undefined);
  }

  response(state: unknown, resp: WitResponse): WitResponse | Promise<WitResponse> {
    const s = state as FusedState;
    for (const { guest } of s.entered) if (!guest.core) return this.#live().then(() => this.response(state, resp));
    return this.#responsePhase(s, undefined, resp);
  }

  /** Reverse order over entered stages; the response starts in a guest (`from`) or as JS (`resp`). */
  #responsePhase(state: FusedState, from: InGuest | undefined, resp: WitResponse | undefined): WitResponse {
    let current = from?.guest ?? state.entered[0]?.guest;
    try {
      for (let i = state.entered.length - 1; i >= 0; i--) {
        const { guest: g, seen } = state.entered[i];
        if (!g.spec.phases.response) continue;
        current = g;
        const core = g.core!;
        const a = g.args;
        if ('js' in seen) lowerRequest(core.mem, seen.js, a, 0);
        else copyRequest(state.snap!, seen.snap, core.mem, a, 0);
        if (from) {
          copyResponse(from.core.mem, from.rec, core.mem, a, 9);
          const done = from;
          from = undefined;
          release(done);
        } else {
          lowerResponse(core.mem, resp!, a, 9);
        }
        const ret = core.onResponse!(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13]);
        core.mem.refresh();
        from = { guest: g, core, ret, rec: ret, post: core.postOnResponse };
      }
      if (!from) return resp!;
      const last = from;
      current = last.guest;
      const out = liftResponse(last.core.mem, last.rec);
      from = undefined;
      release(last);
      return checkResponse(last.guest.spec.stage, out);
    } catch (err) {
      return fail(err, current, from);
    }
  }
}
