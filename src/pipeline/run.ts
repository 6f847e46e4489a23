import type { OutgoingResponse, RequestContext, WitRequest, WitResponse } from '../core/types.js';
import type { Segment } from '../core/segment.js';

/** The terminal of the onion: the handler or the upstream. */
export type Terminal = (req: WitRequest, ctx: RequestContext) => Promise<WitResponse>;

/**
 * The onion over segments: the request phase segment by segment, awaiting between
 * them, then the terminal, then the response phase of every segment passed through, in
 * reverse. Within a segment, stages that passed the request on run their response phase
 * in reverse, each seeing the request as it received it. A `respond` skips the rest of
 * the request phase and the terminal; stages before the responder still see the response.
 */
export async function runOnion(segments: readonly Segment[], terminal: Terminal, req: WitRequest, ctx: RequestContext): Promise<OutgoingResponse> {
  const passed: Array<{ segment: Segment; state: unknown }> = [];
  let response: OutgoingResponse | undefined;
  for (const segment of segments) {
    // Segments enter the host's call context around each synchronous guest call (other
    // requests run between awaits), so nothing is set here.
    const out = await segment.request(req, ctx);
    if ('respond' in out) {
      response = out.respond;
      break;
    }
    passed.push({ segment, state: out.state });
    req = out.next;
  }
  response ??= await terminal(req, ctx);
  for (let i = passed.length - 1; i >= 0; i--) {
    response = await passed[i].segment.response(passed[i].state, response, ctx);
  }
  return response;
}
