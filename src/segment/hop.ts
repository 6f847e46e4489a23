import type { Guest } from '../component/guest.js';
import type { RequestOutcome, Segment, SegmentDescription } from '../core/segment.js';
import type { RequestContext, WitRequest, WitResponse } from '../core/types.js';
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

  // A stage call, when watched (core/trace.ts), covers the guest call and the check of what it returned.
  request(req: WitRequest, ctx?: RequestContext): Promise<RequestOutcome> {
    if (!this.#guest.spec.phases.request) return Promise.resolve({ next: req, state: req });
    if (tracingStages()) return traceStage(this.#guest.spec.stage, 'request', req, ctx, () => this.#request(req, ctx));
    return this.#request(req, ctx);
  }

  response(state: unknown, resp: WitResponse, ctx?: RequestContext): Promise<WitResponse> {
    if (!this.#guest.spec.phases.response) return Promise.resolve(resp);
    if (tracingStages()) return traceStage(this.#guest.spec.stage, 'response', state as WitRequest, ctx, () => this.#response(state, resp, ctx));
    return this.#response(state, resp, ctx);
  }

  async #request(req: WitRequest, ctx?: RequestContext): Promise<RequestOutcome> {
    const g = this.#guest;
    const action = await g.onRequest(req, ctx);
    if (action.tag === 'respond') return { respond: checkResponse(g.spec.stage, action.val) };
    return { next: checkRequest(g.spec.stage, action.val), state: req };
  }

  async #response(state: unknown, resp: WitResponse, ctx?: RequestContext): Promise<WitResponse> {
    const g = this.#guest;
    return checkResponse(g.spec.stage, await g.onResponse(state as WitRequest, resp, ctx));
  }

  describe(): SegmentDescription {
    return { mode: this.mode, stages: [...this.stages] };
  }

  replaced(): readonly number[] {
    return [this.#guest.replaced];
  }
}
