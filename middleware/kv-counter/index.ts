// kv-counter: a test guest for the shared `kv` store (tests of atomicity and expiry
// through a guest, on any store). Each request names a key by its uri:
//   default        `incr(key, 1, ttl)`, answers 200 with the new value;
//   op: cas        the same increment as a read-modify-write loop of `get` and
//                  `compare-and-swap` on a decimal string, retried until its swap wins;
//   x-kv-read      (header) answers 200 with the value held as a decimal count (a
//                  counter's 8 bytes or the cas loop's string), 404 when the key is absent.
// Settings: `op` (`incr` or `cas`), `ttl-ms` (the TTL each write sets, 0: none).
import { Action, Config, Request, Response, fromUtf8, kv, utf8 } from "../sdk";

let cas: bool = false;
let ttl: u64 = 0;

export function configure(config: Config): string | null {
  for (let i = 0; i < config.keys.length; i++) {
    const k = config.keys[i];
    const v = config.values[i];
    if (k == "op" && (v == "incr" || v == "cas")) cas = v == "cas";
    else if (k == "ttl-ms") ttl = U64.parseInt(v);
    else return "kv-counter: unknown setting '" + k + "' = '" + v + "'";
  }
  return null;
}

function counterOf(b: Uint8Array): string {
  if (b.length == 8) return load<i64>(b.dataStart).toString();
  return fromUtf8(b);
}

export function onRequest(req: Request): Action {
  const key = req.uri;
  if (req.headers.has("x-kv-read")) {
    const v = kv.get(key);
    if (v === null) return Action.respond(Response.json(404, '{"absent":true}'));
    return Action.respond(Response.json(200, counterOf(v)));
  }
  if (!cas) return Action.respond(Response.json(200, kv.incr(key, 1, ttl).toString()));
  while (true) {
    const seen = kv.get(key);
    const next = (seen === null ? 0 : I64.parseInt(fromUtf8(seen))) + 1;
    if (kv.compareAndSwap(key, seen, utf8(next.toString()), ttl)) return Action.respond(Response.json(200, next.toString()));
  }
}
