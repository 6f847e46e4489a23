import type { Guest } from '../component/guest.js';
import type { RequestOutcome, Segment, SegmentDescription } from '../core/segment.js';
import { isPromise, type MaybePromise, type RequestContext, type WitAction, type WitRequest, type WitResponse } from '../core/types.js';
import { checkRequest, checkResponse } from '../core/validate.js';
import { traceStage, tracingStages } from '../core/trace.js';

/** One stage, called through the codec (or jco) with JS values in and out: per-hop mode. */
export class HopSegment implements Segment {
  readonly mode = 'per-hop' as const;
  readonly stages: readonly string[];
  readonly #guest: Guest;

  constructor(guest: Guest) {
    this.#guest = guest;
    this.stages = [guest.spec.stage];
  }

  // Synchronous unless the guest's instance is being replaced (then its call is a promise).
  // A watched stage call (core/trace.ts) covers the guest call and the check of what it returned.
  request(req: WitRequest, ctx?: RequestContext): MaybePromise<RequestOutcome> {
    const g = this.#guest;
    if (!g.spec.phases.request) return { next: req, state: req };
    if (tracingStages()) return traceStage(g.spec.stage, 'request', req, ctx, () => this.#request(req, ctx));
    return this.#request(req, ctx);
  }

  #request(req: WitRequest, ctx: RequestContext | undefined): MaybePromise<RequestOutcome> {
    const action = this.#guest.onRequest(req, ctx);
    return isPromise(action) ? action.then((a) => this.#outcome(a, req)) : this.#outcome(action, req);
  }

  #outcome(action: WitAction, req: WitRequest): RequestOutcome {
    const stage = this.#guest.spec.stage;
    if (action.tag === 'respond') return { respond: checkResponse(stage, action.val, this.#guest.spec.lift) };
    return { next: checkRequest(stage, action.val), state: req };
  }

  response(state: unknown, resp: WitResponse, ctx?: RequestContext): MaybePromise<WitResponse> {
    const g = this.#guest;
    if (!g.spec.phases.response) return resp;
    if (tracingStages()) return traceStage(g.spec.stage, 'response', state as WitRequest, ctx, () => this.#response(state, resp, ctx));
    return this.#response(state, resp, ctx);
  }

  #response(state: unknown, resp: WitResponse, ctx: RequestContext | undefined): MaybePromise<WitResponse> {
    const g = this.#guest;
    const out = g.onResponse(state as WitRequest, resp, ctx);
    return isPromise(out) ? out.then((r) => checkResponse(g.spec.stage, r, g.spec.lift)) : checkResponse(g.spec.stage, out, g.spec.lift);
  }

  describe(): SegmentDescription {
    return { mode: this.mode, stages: [...this.stages] };
  }

  replaced(): readonly number[] {
    return [this.#guest.replaced];
  }
}
