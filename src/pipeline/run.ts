import type { RequestOutcome, Segment } from '../core/segment.js';
import { isPromise, type MaybePromise, type OutgoingResponse, type RequestContext, type WitRequest, type WitResponse } from '../core/types.js';

/** The terminal of the onion: the handler or the upstream. Synchronous when the handler is. */
export type Terminal = (req: WitRequest, ctx: RequestContext) => MaybePromise<OutgoingResponse>;

/** The segments a request passed through, with what each keeps for its response phase. */
type Passed = Array<{ segment: Segment; state: unknown }>;

/**
 * The onion over segments: the request phase segment by segment, then the terminal,
 * then the response phase of every segment passed through, in reverse. Within a
 * segment, stages that passed the request on run their response phase in reverse, each
 * seeing the request as it received it. A `respond` skips the rest of the request phase
 * and the terminal; stages before the responder still see the response.
 *
 * It runs synchronously for as long as every segment and the terminal answer
 * synchronously (fused guests, a handler returning a value), and continues from a
 * promise only where one appears: a request through fused stages and a synchronous
 * handler costs no promise and no microtask. Segments enter the host's call context
 * around each synchronous guest call (other requests run between awaits), so nothing
 * is set here.
 */
export function runOnion(segments: readonly Segment[], terminal: Terminal, req: WitRequest, ctx: RequestContext): MaybePromise<OutgoingResponse> {
  return requestPhase(segments, 0, [], terminal, req, ctx);
}

function requestPhase(
  segments: readonly Segment[],
  from: number,
  passed: Passed,
  terminal: Terminal,
  req: WitRequest,
  ctx: RequestContext,
): MaybePromise<OutgoingResponse> {
  for (let i = from; i < segments.length; i++) {
    const segment = segments[i];
    const out = segment.request(req, ctx);
    if (isPromise(out)) return out.then((o) => afterRequest(segments, i, passed, terminal, o, ctx));
    if ('respond' in out) return responsePhase(passed, out.respond, ctx);
    passed.push({ segment, state: out.state });
    req = out.next;
  }
  const response = terminal(req, ctx);
  return isPromise(response) ? response.then((r) => responsePhase(passed, r, ctx)) : responsePhase(passed, response, ctx);
}

/** Continue after segment `i` answered asynchronously. */
function afterRequest(
  segments: readonly Segment[],
  i: number,
  passed: Passed,
  terminal: Terminal,
  out: RequestOutcome,
  ctx: RequestContext,
): MaybePromise<OutgoingResponse> {
  if ('respond' in out) return responsePhase(passed, out.respond, ctx);
  passed.push({ segment: segments[i], state: out.state });
  return requestPhase(segments, i + 1, passed, terminal, out.next, ctx);
}

function responsePhase(passed: Passed, response: OutgoingResponse, ctx: RequestContext, from = passed.length - 1): MaybePromise<OutgoingResponse> {
  for (let i = from; i >= 0; i--) {
    const out: MaybePromise<WitResponse> = passed[i].segment.response(passed[i].state, response, ctx);
    if (isPromise(out)) return out.then((r) => responsePhase(passed, r, ctx, i - 1));
    response = out;
  }
  return response;
}
