import type { Guest } from '../component/guest.js';
import type { HostServices } from '../host/imports.js';
import type { RequestContext, WitRequest, WitResponse } from '../types.js';
import { checkRequest, checkResponse } from './validate.js';

/** The terminal of the onion: the handler or the upstream. */
export type Terminal = (req: WitRequest, ctx: RequestContext) => Promise<WitResponse>;

/**
 * Per-hop execution, the onion: the request phase stage by stage, awaiting each hop,
 * then the terminal, then the response phase of every stage that passed the request on,
 * in reverse order, each seeing the request as it received it. A `respond` skips the
 * rest of the request phase and the terminal; stages before it still see the response.
 */
export async function runOnion(
  guests: readonly Guest[],
  terminal: Terminal,
  req: WitRequest,
  ctx: RequestContext,
  host: HostServices,
): Promise<WitResponse> {
  // Requests each entered stage saw, for its response phase.
  const entered: Array<{ guest: Guest; req: WitRequest }> = [];
  let response: WitResponse | undefined;
  for (const guest of guests) {
    const { stage, phases } = guest.spec;
    if (phases.request) {
      // Other requests run between hops: the context is set right before each call.
      host.context.current = ctx;
      const action = await guest.onRequest(req);
      if (action.tag === 'respond') {
        response = checkResponse(stage, action.val);
        break;
      }
      entered.push({ guest, req });
      req = checkRequest(stage, action.val);
    } else {
      entered.push({ guest, req });
    }
  }
  if (!response) response = await terminal(req, ctx);
  for (let i = entered.length - 1; i >= 0; i--) {
    const { guest, req: seen } = entered[i];
    if (!guest.spec.phases.response) continue;
    host.context.current = ctx;
    response = checkResponse(guest.spec.stage, await guest.onResponse(seen, response));
  }
  return response;
}
