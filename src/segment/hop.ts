import type { Guest } from '../component/guest.js';
import type { RequestOutcome, Segment, SegmentDescription } from '../core/segment.js';
import type { RequestContext, WitRequest, WitResponse } from '../core/types.js';
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

  async request(req: WitRequest, ctx?: RequestContext): Promise<RequestOutcome> {
    const g = this.#guest;
    if (!g.spec.phases.request) return { next: req, state: req };
    const action = await g.onRequest(req, ctx);
    if (action.tag === 'respond') return { respond: checkResponse(g.spec.stage, action.val) };
    return { next: checkRequest(g.spec.stage, action.val), state: req };
  }

  async response(state: unknown, resp: WitResponse, ctx?: RequestContext): Promise<WitResponse> {
    const g = this.#guest;
    if (!g.spec.phases.response) return resp;
    return checkResponse(g.spec.stage, await g.onResponse(state as WitRequest, resp, ctx));
  }

  describe(): SegmentDescription {
    return { mode: this.mode, stages: [...this.stages] };
  }

  replaced(): readonly number[] {
    return [this.#guest.replaced];
  }
}
