// transform: declarative rewriting of headers, the request path and JSON response
// bodies, configured by the host's `transform()` factory.
//
// Settings (config pairs). Every key may repeat; rules of one kind apply in the order given.
//   request.rename-header    "from to"       rename every `from` header to `to` (values and order kept)
//   request.remove-header    "name"          remove every `name` header
//   request.set-header       "name: value"   replace every `name` header with one
//   request.append-header    "name: value"   add a `name` header, keeping existing ones
//   request.rewrite-path     "from to"       if the path starts with `from`, replace that
//                                            prefix with `to` (query kept); first match wins
//   response.rename-header, response.remove-header, response.set-header,
//   response.append-header                   the same, on the response
//   response.json-rename     "a.b=a.c"       rename the last key of a path within its object
//   response.json-remove     "a.b"           remove a member
//   response.json-set        "a.b=<json>"    set a member to a JSON value, creating missing
//                                            intermediate objects
// Header rules run rename, remove, set, append. JSON rules run rename, remove, set,
// after the response header rules (so a set content-type counts), and only when the
// content-type is application/json or *+json and the body is a JSON object; then
// content-length is dropped (the host frames the new body). Anything else passes
// through untouched: client input never makes this guest fail.
// Paths: "." separates keys; "\" escapes ".", "=" or "\" in a key. Keys match
// after decoding, so a body key written "user\u005fname" matches `user_name`.
import { Action, Config, HeaderName, Headers, Request, Response } from "../sdk";
import { isValid, objectMembers, skipWs } from "../sdk/json";
import { Doc, Key } from "./jsonedit";
import { isToken } from "../sdk/text";

class HeaderRules {
  renameFrom: string[] = [];
  renameTo: string[] = [];
  remove: string[] = [];
  // Names and values to set or append, as UTF-8 once at configure (it outlives requests): no encoding per request.
  setNames: HeaderName[] = [];
  setValues: ArrayBuffer[] = [];
  appendNames: HeaderName[] = [];
  appendValues: ArrayBuffer[] = [];

  apply(h: Headers): void {
    for (let i = 0; i < this.renameFrom.length; i++) h.rename(this.renameFrom[i], this.renameTo[i]);
    for (let i = 0; i < this.remove.length; i++) h.delete(this.remove[i]);
    for (let i = 0; i < this.setNames.length; i++) h.put(this.setNames[i], this.setValues[i]);
    for (let i = 0; i < this.appendNames.length; i++) h.add(this.appendNames[i], this.appendValues[i]);
  }
}

const reqHeaders = new HeaderRules();
const respHeaders = new HeaderRules();
const rewriteFrom: string[] = [];
const rewriteTo: string[] = [];
const renamePaths: Key[][] = [];
const renameTo: Key[] = [];
const removePaths: Key[][] = [];
const setPaths: Key[][] = [];
const setValues: Uint8Array[] = [];

// ---- configuration ---------------------------------------------------------------

/** What the host lets through as a field value (tab, printable ASCII, Latin-1). */
function isFieldValue(s: string): bool {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!(c == 0x09 || (c >= 0x20 && c <= 0x7e) || (c >= 0x80 && c <= 0xff))) return false;
  }
  return true;
}

/** A path prefix as it may appear in a request target: printable ASCII, no `?` or `#`. */
function isPathPrefix(s: string): bool {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || c == 0x3f || c == 0x23) return false;
  }
  return true;
}

function trimOws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) == 0x20 || s.charCodeAt(a) == 0x09)) a++;
  while (b > a && (s.charCodeAt(b - 1) == 0x20 || s.charCodeAt(b - 1) == 0x09)) b--;
  return s.substring(a, b);
}

/** Keys of a dotted path, or null if a key is empty or an escape is not `\.`, `\=`, `\\`. */
function parsePath(p: string): Key[] | null {
  const keys: Key[] = [];
  let cur = "";
  for (let i = 0; i < p.length; i++) {
    const c = p.charCodeAt(i);
    if (c == 0x5c) {
      const e = i + 1 < p.length ? p.charCodeAt(i + 1) : 0;
      if (e != 0x2e && e != 0x3d && e != 0x5c) return null;
      cur += String.fromCharCode(e);
      i++;
    } else if (c == 0x2e) {
      if (cur.length == 0) return null;
      keys.push(new Key(cur));
      cur = "";
    } else {
      cur += String.fromCharCode(c);
    }
  }
  if (cur.length == 0) return null;
  keys.push(new Key(cur));
  return keys;
}

/** Index of the first `=` not escaped by `\`, or -1. */
function splitAt(s: string): i32 {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 0x5c) i++;
    else if (c == 0x3d) return i;
  }
  return -1;
}

function sameParent(a: Key[], b: Key[]): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length - 1; i++) if (a[i].text != b[i].text) return false;
  return true;
}

function headerRule(rules: HeaderRules, op: string, v: string): string | null {
  if (op == "remove-header") {
    const name = trimOws(v);
    if (!isToken(name)) return "invalid header name";
    rules.remove.push(name);
    return null;
  }
  if (op == "rename-header") {
    const sp = v.indexOf(" ");
    const from = sp < 0 ? v : v.substring(0, sp);
    const to = sp < 0 ? "" : trimOws(v.substring(sp + 1));
    if (!isToken(from) || !isToken(to)) return "expected 'from to' with two header names";
    rules.renameFrom.push(from);
    rules.renameTo.push(to);
    return null;
  }
  const colon = v.indexOf(":");
  const name = colon < 0 ? "" : trimOws(v.substring(0, colon));
  const value = colon < 0 ? "" : trimOws(v.substring(colon + 1));
  if (!isToken(name)) return "expected 'name: value' with a header name";
  if (!isFieldValue(value)) return "header value has a forbidden character";
  if (op == "set-header") {
    rules.setNames.push(new HeaderName(name));
    rules.setValues.push(String.UTF8.encode(value));
  } else {
    rules.appendNames.push(new HeaderName(name));
    rules.appendValues.push(String.UTF8.encode(value));
  }
  return null;
}

function jsonRule(op: string, v: string): string | null {
  const eq = splitAt(v);
  const path = parsePath(eq < 0 ? v : v.substring(0, eq));
  if (path === null) return "invalid path";
  if (op == "json-remove") {
    if (eq >= 0) return "invalid path";
    removePaths.push(path);
    return null;
  }
  if (eq < 0) return "expected 'path=...'";
  const rest = v.substring(eq + 1);
  if (op == "json-rename") {
    const to = parsePath(rest);
    if (to === null || !sameParent(path, to)) return "the new path must name a key in the same object";
    renamePaths.push(path);
    renameTo.push(to[to.length - 1]);
    return null;
  }
  const b = Uint8Array.wrap(String.UTF8.encode(rest));
  if (!isValid(b)) return "the value is not JSON";
  setPaths.push(path);
  setValues.push(b);
  return null;
}

function rule(key: string, v: string): string | null {
  if (key.startsWith("request.")) {
    const op = key.substring(8);
    if (op == "rewrite-path") {
      const sp = v.indexOf(" ");
      const from = sp < 0 ? v : v.substring(0, sp);
      const to = sp < 0 ? "" : v.substring(sp + 1);
      if (!from.startsWith("/") || !isPathPrefix(from) || !isPathPrefix(to) || (to.length > 0 && !to.startsWith("/"))) {
        return "expected 'from to' with path prefixes starting with '/'";
      }
      rewriteFrom.push(from);
      rewriteTo.push(to);
      return null;
    }
    if (op == "set-header" || op == "append-header" || op == "remove-header" || op == "rename-header") return headerRule(reqHeaders, op, v);
  } else if (key.startsWith("response.")) {
    const op = key.substring(9);
    if (op == "set-header" || op == "append-header" || op == "remove-header" || op == "rename-header") return headerRule(respHeaders, op, v);
    if (op == "json-set" || op == "json-rename" || op == "json-remove") return jsonRule(op, v);
  }
  return "unknown setting";
}

export function configure(config: Config): string | null {
  for (let i = 0; i < config.keys.length; i++) {
    const err = rule(config.keys[i], config.values[i]);
    if (err !== null) return "transform: " + config.keys[i] + ": " + err + " (got '" + config.values[i] + "')";
  }
  return null;
}

// ---- phases ----------------------------------------------------------------------

export function onRequest(req: Request): Action {
  reqHeaders.apply(req.headers);
  const path = req.path;
  for (let i = 0; i < rewriteFrom.length; i++) {
    const from = rewriteFrom[i];
    if (!path.startsWith(from)) continue;
    let to = rewriteTo[i] + path.substring(from.length);
    // An empty replacement may leave "" or "x": a request target needs its leading "/".
    if (!to.startsWith("/")) to = "/" + to;
    req.uri = to + req.uri.substring(path.length);
    break;
  }
  return Action.next(req);
}

function isJsonType(h: Headers): bool {
  const ct = h.get("content-type");
  if (ct === null) return false;
  const semi = ct.indexOf(";");
  const media = trimOws(semi < 0 ? ct : ct.substring(0, semi)).toLowerCase();
  return media == "application/json" || media.endsWith("+json");
}

export function onResponse(req: Request, resp: Response): Response {
  respHeaders.apply(resp.headers);
  if (renamePaths.length + removePaths.length + setPaths.length == 0 || !isJsonType(resp.headers)) return resp;
  const b = resp.body;
  const members = objectMembers(b);
  if (members === null) return resp;
  const doc = new Doc(b, skipWs(b, 0), members);
  for (let i = 0; i < renamePaths.length; i++) doc.rename(renamePaths[i], renameTo[i]);
  for (let i = 0; i < removePaths.length; i++) doc.remove(removePaths[i]);
  for (let i = 0; i < setPaths.length; i++) doc.set(setPaths[i], setValues[i]);
  if (doc.changed) {
    resp.body = doc.b;
    resp.headers.delete("content-length");
  }
  return resp;
}
