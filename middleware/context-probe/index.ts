// context-probe: a test guest that reports what the `context` capability tells it, so
// tests can check that a guest sees the address of the request it is called for, and no
// other. `configure` reads the address too (there is no request then, so it must be
// empty, also when the instance replaces one that trapped mid-request).
//   onRequest answers 200 with `x-probe-address: <address now>` and
//   `x-probe-configured: <address configure saw>`; setting `trap-on` names a uri that traps.
import { Action, Config, Request, Response, Headers, remoteAddress } from "../sdk";

let trapOn: string = "";
let configured: string = "";

export function configure(config: Config): string | null {
  configured = remoteAddress();
  for (let i = 0; i < config.keys.length; i++) {
    const k = config.keys[i];
    if (k == "trap-on") trapOn = config.values[i];
    else return "context-probe: unknown setting '" + k + "'";
  }
  return null;
}

export function onRequest(req: Request): Action {
  if (trapOn.length > 0 && req.uri == trapOn) unreachable();
  const h = new Headers();
  h.append("x-probe-address", remoteAddress());
  h.append("x-probe-configured", configured);
  return Action.respond(new Response(200, h, new Uint8Array(0)));
}
