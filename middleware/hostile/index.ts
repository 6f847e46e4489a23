// hostile: a guest that does what a hostile or broken middleware would, for the sandbox
// tests (test/sandbox/). Behaviour by request path:
//   /loop          loop forever (the deadline must stop it);
//   /loop-response passes the request on, and loops forever in the response phase;
//   /grow          memory.grow by `x-grow-pages` pages; answers `x-grow` (the result: the old
//                  size in pages, or -1 when refused) and `x-pages` (the size after);
//   /kv            `x-kv-count` kv sets of `x-kv-bytes` bytes each, at keys `flood:<i>`;
//   /alias         answers with `x-alias-count` headers whose values all point at the same
//                  `x-alias-bytes` bytes of memory;
//   /body          a body of `x-body-bytes` bytes: passed on in the request with `x-pass`,
//                  else as the answer's body;
//   /break         marks the kv key `hostile:broken` and traps: every later instantiation
//                  fails in `configure` until the host deletes the key;
//   /trap          traps;
//   anything else  with `x-pass`, passes the request on; else answers 200 with `x-calls`,
//                  the number of requests this instance has served (1 on a fresh instance).
// Settings: `loop-in-configure: yes` loops forever in configure.
import { Action, Config, Request, Response, Headers, kv } from "../sdk";

let calls: i32 = 0;
// Written by the endless loops, so that the optimiser cannot drop them.
let spins: u64 = 0;

export function configure(config: Config): string | null {
  for (let i = 0; i < config.keys.length; i++) {
    const k = config.keys[i];
    if (k == "loop-in-configure") {
      if (config.values[i] == "yes") while (true) spins++;
    } else return "hostile: unknown setting '" + k + "'";
  }
  if (kv.get("hostile:broken") !== null) return "hostile: broken (kv hostile:broken is set)";
  return null;
}

function num(req: Request, name: string): i32 {
  const v = req.headers.get(name);
  return v === null ? 0 : I32.parseInt(v);
}

export function onRequest(req: Request): Action {
  calls++;
  const path = req.uri;
  const h = new Headers();
  if (path == "/loop") {
    while (true) spins++;
  }
  if (path == "/trap") unreachable();
  if (path == "/break") {
    kv.set("hostile:broken", new Uint8Array(1));
    unreachable();
  }
  if (path == "/grow") {
    const before = memory.grow(num(req, "x-grow-pages"));
    h.append("x-grow", before.toString());
    h.append("x-pages", memory.size().toString());
  } else if (path == "/kv") {
    const n = num(req, "x-kv-count");
    const value = new Uint8Array(num(req, "x-kv-bytes"));
    for (let i = 0; i < n; i++) kv.set("flood:" + i.toString(), value);
    h.append("x-kv", "done");
  } else if (path == "/alias") {
    const n = num(req, "x-alias-count");
    const size = num(req, "x-alias-bytes");
    const value = new Uint8Array(size);
    value.fill(0x61);
    const name = String.UTF8.encode("x-alias");
    for (let i = 0; i < n; i++) h.appendRaw(changetype<usize>(name), name.byteLength, value.dataStart, size);
  } else if (path == "/body") {
    const body = new Uint8Array(num(req, "x-body-bytes"));
    if (req.headers.has("x-pass")) return Action.next(new Request(req.method, req.uri, req.headers, body));
    return Action.respond(new Response(200, h, body));
  } else if (req.headers.has("x-pass") || path == "/loop-response") {
    return Action.next(req);
  }
  h.append("x-calls", calls.toString());
  return Action.respond(new Response(200, h, new Uint8Array(0)));
}

export function onResponse(req: Request, resp: Response): Response {
  if (req.uri == "/loop-response") {
    while (true) spins++;
  }
  return resp;
}
