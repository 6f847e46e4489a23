// echo: the conformance and test guest. Behaviour, driven by request headers so that
// tests can make one real component do each thing a guest can do:
//   x-echo-pass        pass the request on (appending `x-echo-trail: <tag>`), else
//                      answer with the request reflected: method, uri and headers as
//                      `x-echo-*` response headers, the body as the body;
//   x-echo-status: N   answer with status N (any u16, valid or not);
//   x-echo-header-from-body: NAME   answer with a header NAME whose value is the body;
// and by settings: `tag` (names the stage in trails), `trap-on` (a uri that traps),
// `trail: set` (replace the trail header instead of appending: constant-size work per
// stage, for benchmarks), `spin-on` (a uri for which the request phase logs
// `echo: spinning on <uri>` at info level, then loops forever: a stage that never
// finishes, for timeout and cancellation tests, which the log line lets sequence).
// The response phase appends `x-echo: <tag>`, so several echo stages show their order, and
// when the request carries `x-echo-seen`, `x-echo-seen-<tag>`: the request it was given
// (method, uri, every header, body size), so tests see what a response phase received.
import { Action, Config, HeaderName, Request, Response, Headers, fromUtf8, logInfo } from "../sdk";

let trapOn: string = "";
let spinOn: string = "";
// Written by the endless loop, so that the optimiser cannot drop it.
let spins: u64 = 0;
let tag: string = "echo";
// The tag as UTF-8, and the names this stage sets, encoded once: not per request.
let tagBytes: ArrayBuffer = String.UTF8.encode("echo");
const TRAIL = new HeaderName("x-echo-trail");
const ECHO = new HeaderName("x-echo");
let trailSet: bool = false;

export function configure(config: Config): string | null {
  for (let i = 0; i < config.keys.length; i++) {
    const k = config.keys[i];
    if (k == "trap-on") trapOn = config.values[i];
    else if (k == "tag") {
      tag = config.values[i];
      tagBytes = String.UTF8.encode(tag);
    }
    else if (k == "trail") trailSet = config.values[i] == "set";
    else if (k == "spin-on") spinOn = config.values[i];
    else return "echo: unknown setting '" + k + "'";
  }
  return null;
}

export function onRequest(req: Request): Action {
  if (trapOn.length > 0 && req.uri == trapOn) unreachable();
  if (spinOn.length > 0 && req.uri == spinOn) {
    logInfo("echo: spinning on " + spinOn);
    while (true) spins++;
  }
  if (req.headers.has("x-echo-pass")) {
    if (trailSet) req.headers.put(TRAIL, tagBytes);
    else req.headers.add(TRAIL, tagBytes);
    return Action.next(req);
  }
  const h = new Headers();
  h.append("x-echo-method", req.method);
  h.append("x-echo-uri", req.uri);
  for (let i = 0; i < req.headers.length; i++) h.append("x-echo-h-" + req.headers.name(i), req.headers.value(i));
  const body = req.body;
  const bytes = body === null ? new Uint8Array(0) : body;
  const fromBody = req.headers.get("x-echo-header-from-body");
  if (fromBody !== null) h.append(fromBody, fromUtf8(bytes));
  let status: u16 = 200;
  const s = req.headers.get("x-echo-status");
  if (s !== null) status = <u16>I32.parseInt(s);
  return Action.respond(new Response(status, h, bytes));
}

function seen(req: Request): string {
  let s = req.method + " " + req.uri;
  for (let i = 0; i < req.headers.length; i++) s += " | " + req.headers.name(i) + "=" + req.headers.value(i);
  const body = req.body;
  return s + " | body " + (body === null ? "none" : body.length.toString());
}

export function onResponse(req: Request, resp: Response): Response {
  if (req.headers.has("x-echo-seen")) resp.headers.append("x-echo-seen-" + tag, seen(req));
  if (trailSet) resp.headers.put(ECHO, tagBytes);
  else resp.headers.add(ECHO, tagBytes);
  return resp;
}
