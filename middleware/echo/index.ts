// echo: a conformance guest. The request phase answers with the request it got,
// encoded into the response (method, uri and headers as response headers, the body
// as the body), unless `x-echo-pass` is set, in which case it passes the request on
// unchanged. The response phase returns the response unchanged, plus `x-echo: 1`.
import { Action, Config, Request, Response, Headers } from "../sdk";

let trapOn: string = "";

export function configure(config: Config): string | null {
  for (let i = 0; i < config.keys.length; i++) {
    const k = config.keys[i];
    if (k == "trap-on") trapOn = config.values[i];
    else return "echo: unknown setting '" + k + "'";
  }
  return null;
}

export function onRequest(req: Request): Action {
  if (trapOn.length > 0 && req.uri == trapOn) unreachable();
  if (req.headers.has("x-echo-pass")) return Action.next(req);
  const h = new Headers();
  h.append("x-echo-method", req.method);
  h.append("x-echo-uri", req.uri);
  for (let i = 0; i < req.headers.length; i++) h.append("x-echo-h-" + req.headers.names[i], req.headers.values[i]);
  const body = req.body;
  return Action.respond(new Response(200, h, body === null ? new Uint8Array(0) : body));
}

export function onResponse(req: Request, resp: Response): Response {
  resp.headers.append("x-echo", "1");
  return resp;
}
