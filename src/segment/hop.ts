import type { Guest } from '../component/guest.js';
import type { RequestOutcome, Segment, SegmentDescription } from '../core/segment.js';
import { isPromise, type MaybePromise, type RequestContext, type WitAction, type WitRequest, type WitResponse } from '../core/types.js';
import { checkRequest, checkResponse } from '../core/validate.js';

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
  request(req: WitRequest, ctx?: RequestContext): MaybePromise<RequestOutcome> {
    const g = this.#guest;
    if (!g.spec.phases.request) return { next: req, state: req };
    const action = g.onRequest(req, ctx);
    return isPromise(action) ? action.then((a) => this.#outcome(a, req)) : this.#outcome(action, req);
  }

  #outcome(action: WitAction, req: WitRequest): RequestOutcome {
    const stage = this.#guest.spec.stage;
    if (action.tag === 'respond') return { respond: checkResponse(stage, action.val) };
    return { next: checkRequest(stage, action.val), state: req };
  }

  response(state: unknown, resp: WitResponse, ctx?: RequestContext): MaybePromise<WitResponse> {
    const g = this.#guest;
    if (!g.spec.phases.response) return resp;
    const out = g.onResponse(state as WitRequest, resp, ctx);
    return isPromise(out) ? out.then((r) => checkResponse(g.spec.stage, r)) : checkResponse(g.spec.stage, out);
  }

  describe(): SegmentDescription {
    return { mode: this.mode, stages: [...this.stages] };
  }

  replaced(): readonly number[] {
    return [this.#guest.replaced];
  }
}
