import type { Guest } from '../component/guest.js';
import type { RequestOutcome, Segment, SegmentDescription } from '../core/segment.js';
import type { RequestContext, WitRequest, WitResponse } from '../core/types.js';
import { checkRequest, checkResponse } from '../core/validate.js';

/**
 * One stage whose kv calls suspend (JSPI, on an asynchronous store): a per-hop segment
 * of its own, whose phases always return a promise. It is never fused: a fused chain
 * runs its stages in one synchronous call with no awaits, which a suspension would break,
 * so the stages before and after it fuse among themselves and this one is a hop between.
 *
 * Failure policy (branch `sandbox`, `failurePolicy: 'closed' | 'open'`): a store failure
 * leaves here as the `StoreUnavailableError` the store rejected with (503
 * `WITLINE_STORE_UNAVAILABLE`), as every failure of a stage does; 'open' (skip the stage
 * for this request) plugs in where the segment's failures are caught, in one place:
 * {@link SuspendingHopSegment.failed}.
 */
export class SuspendingHopSegment implements Segment {
  readonly mode = 'per-hop' as const;
  readonly stages: readonly string[];
  readonly #guest: Guest;

  constructor(guest: Guest) {
    if (!guest.suspending) throw new TypeError(`stage '${guest.spec.stage}' does not suspend`);
    this.#guest = guest;
    this.stages = [guest.spec.stage];
  }

  async request(req: WitRequest, ctx?: RequestContext): Promise<RequestOutcome> {
    const g = this.#guest;
    if (!g.spec.phases.request) return { next: req, state: req };
    let action;
    try {
      action = await g.suspending!.onRequest(req, ctx);
    } catch (err) {
      throw this.failed(err);
    }
    if (action.tag === 'respond') return { respond: checkResponse(g.spec.stage, action.val, g.spec.lift) };
    return { next: checkRequest(g.spec.stage, action.val), state: req };
  }

  async response(state: unknown, resp: WitResponse, ctx?: RequestContext): Promise<WitResponse> {
    const g = this.#guest;
    if (!g.spec.phases.response) return resp;
    let out;
    try {
      out = await g.suspending!.onResponse(state as WitRequest, resp, ctx);
    } catch (err) {
      throw this.failed(err);
    }
    return checkResponse(g.spec.stage, out, g.spec.lift);
  }

  /** FAILURE POLICY PLUG-IN POINT: today every failure is the stage's answer ('closed'). */
  failed(err: unknown): unknown {
    return err;
  }

  describe(): SegmentDescription {
    return { mode: this.mode, stages: [...this.stages] };
  }

  replaced(): readonly number[] {
    return [this.#guest.replaced + this.#guest.suspending!.replaced];
  }
}
