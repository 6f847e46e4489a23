import type { Guest } from '../component/guest.js';
import type { RequestContext, WitRequest, WitResponse } from '../core/types.js';
import { checkRequest, checkResponse } from '../core/validate.js';

/**
 * A run of stages executed as one unit. The request phase either passes a request on
 * (keeping what its response phase will need in `state`) or answers; an answer has
 * already been through the response phase of the segment's own earlier stages.
 */
export type RequestOutcome = { next: WitRequest; state: unknown } | { respond: WitResponse };

export interface Segment {
  /** Per hop or fused on the main thread, or (`'pooled'`) fused on a worker pool. */
  readonly mode: 'per-hop' | 'fused' | 'pooled';
  readonly guests: readonly Guest[];
  request(req: WitRequest, ctx: RequestContext): RequestOutcome | Promise<RequestOutcome>;
  response(state: unknown, resp: WitResponse, ctx: RequestContext): WitResponse | Promise<WitResponse>;
  /** Release what the segment holds beyond its guests (a pool's threads). */
  close?(): Promise<void>;
}

/** One stage, called through the codec (or jco) with JS values in and out: per-hop mode. */
export class HopSegment implements Segment {
  readonly mode = 'per-hop' as const;
  readonly guests: readonly Guest[];
  readonly #guest: Guest;

  constructor(guest: Guest) {
    this.#guest = guest;
    this.guests = [guest];
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
}
