// The middleware's view of HTTP: what `onRequest` and `onResponse` receive and return.
//
// Everything a request carries stays as UTF-8 bytes where the host lowered it (in this
// call's arena) until the middleware reads it: a header is decoded only when asked for,
// and anything not changed is handed back to the host by pointer, never re-encoded or
// copied. A pass-through stage therefore costs little more than reading pointers.

function lowerAscii(c: i32): i32 {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** ASCII case-insensitive string equality, as header names compare. */
export function equalsIgnoreCase(a: string, b: string): bool {
  const n = a.length;
  if (n != b.length) return false;
  for (let i = 0; i < n; i++) {
    if (lowerAscii(a.charCodeAt(i)) != lowerAscii(b.charCodeAt(i))) return false;
  }
  return true;
}

/** A UTF-8 string somewhere in linear memory, decoded once if read. */
export function decodeAt(ptr: usize, len: usize): string {
  return String.UTF8.decodeUnsafe(ptr, len);
}

/** UTF-8 bytes of `s` in a fresh arena allocation. */
function encode(s: string): ArrayBuffer {
  return String.UTF8.encode(s);
}

/** True if the UTF-8 bytes at `ptr` equal `name`, ignoring ASCII case. */
function nameIs(ptr: usize, len: usize, name: string): bool {
  const n = name.length;
  if (<i32>len != n) {
    // Only a non-ASCII name has a UTF-8 length other than its UTF-16 length, and never a
    // shorter one. Measured first, without encoding: most names differ in length from the
    // one looked for, and an encoding per header per lookup was most of a lookup's cost.
    if (<i32>len < n || <usize>String.UTF8.byteLength(name) != len) return false;
    const b = encode(name);
    return memory.compare(changetype<usize>(b), ptr, len) == 0;
  }
  for (let i = 0; i < n; i++) {
    const c = name.charCodeAt(i);
    if (c > 0x7f) return decodeAt(ptr, len) == name;
    if (lowerAscii(<i32>load<u8>(ptr + <usize>i)) != lowerAscii(c)) return false;
  }
  return true;
}

/** Whether every character of `s` is ASCII (then its UTF-8 length is its length). */
function asciiOnly(s: string): bool {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * A header name with its UTF-8 bytes, made once (at top level or in `configure`, which
 * outlive requests) for a stage that sets it on every request: `Headers.put` encodes nothing.
 */
export class HeaderName {
  readonly bytes: ArrayBuffer;
  constructor(public readonly name: string) {
    this.bytes = String.UTF8.encode(name);
  }
}

// Bytes per header entry: name ptr, name len, value ptr, value len (u32 each), the
// Canonical ABI's own layout of a list<tuple<string, string>>.
// @ts-ignore: decorator
@inline const ENTRY: usize = 16;

/**
 * Header list in wire order; lookups ignore case, repeated names are kept.
 *
 * The entries are the list the host lowered, read where it lies: lifting copies nothing,
 * and a request passed on unchanged is handed back by the same pointer. The first change
 * copies them into an allocation of the list's own (with room to grow), because the host
 * lowered them as this stage's input and may hand that same input to the response phase
 * (segment/kept.ts on the host): a guest never writes into what it was given.
 */
export class Headers {
  /** Where the entries are (16 bytes each, see ENTRY). */
  base: usize = 0;
  /** How many entries there are. */
  count: i32 = 0;
  /** Entries `base` has room for when this list owns it; 0 while it is the host's (read-only). */
  cap: i32 = 0;

  /** Headers over `count` entries the host lowered at `base` (not copied; copied on first change). */
  static over(base: usize, count: i32): Headers {
    const h = new Headers();
    h.base = base;
    h.count = count;
    return h;
  }

  get length(): i32 { return this.count; }

  @inline private at(i: i32): usize { return this.base + (<usize>i << 4); }

  /** The i-th name and value, decoded. */
  name(i: i32): string { const e = this.at(i); return decodeAt(load<u32>(e), load<u32>(e, 4)); }
  value(i: i32): string { const e = this.at(i); return decodeAt(load<u32>(e, 8), load<u32>(e, 12)); }

  /** Where the i-th value's UTF-8 bytes are, to read in place with no string (see `valueLength`). */
  valuePtr(i: i32): usize { return <usize>load<u32>(this.at(i), 8); }
  /** How many bytes the i-th value has. */
  valueLength(i: i32): i32 { return <i32>load<u32>(this.at(i), 12); }

  /**
   * Whether the entry at `e` is named `name`. `ascii`: `name` is all ASCII (asciiOnly, once
   * per lookup), so that only names of its own length can match: the other entries cost a
   * length test, not a UTF-8 length of `name` each.
   */
  @inline private named(e: usize, name: string, ascii: bool): bool {
    const len = load<u32>(e, 4);
    if (ascii && <i32>len != name.length) return false;
    return nameIs(load<u32>(e), len, name);
  }

  /** Index of the first entry named `name` at or after `from`, or -1. */
  indexOf(name: string, from: i32 = 0): i32 {
    const ascii = asciiOnly(name);
    for (let i = from; i < this.count; i++) if (this.named(this.at(i), name, ascii)) return i;
    return -1;
  }

  /** The first value for `name`, or null. */
  get(name: string): string | null {
    const i = this.indexOf(name);
    return i < 0 ? null : this.value(i);
  }
  has(name: string): bool { return this.indexOf(name) >= 0; }
  getAll(name: string): string[] {
    const out: string[] = [];
    for (let i = this.indexOf(name); i >= 0; i = this.indexOf(name, i + 1)) out.push(this.value(i));
    return out;
  }

  /** Make the entries this list's own, with room for at least `room` entries. */
  private own(room: i32): void {
    if (this.cap >= room) return;
    // Doubling: a stage appending many headers copies O(n) entries in all.
    const cap = max(room, max(this.count << 1, 8));
    const base = __alloc(<usize>cap << 4);
    memory.copy(base, this.base, <usize>this.count << 4);
    this.base = base;
    this.cap = cap;
  }

  /** Add an entry whose name and value are already UTF-8 bytes in memory. */
  appendRaw(np: usize, nl: usize, vp: usize, vl: usize): void {
    this.own(this.count + 1);
    const e = this.at(this.count++);
    store<u32>(e, <u32>np);
    store<u32>(e, <u32>nl, 4);
    store<u32>(e, <u32>vp, 8);
    store<u32>(e, <u32>vl, 12);
  }
  append(name: string, value: string): void {
    const n = encode(name);
    const v = encode(value);
    this.appendRaw(changetype<usize>(n), n.byteLength, changetype<usize>(v), v.byteLength);
  }
  /** Replace every value of `name` with one. */
  set(name: string, value: string): void {
    this.delete(name);
    this.append(name, value);
  }
  /** `append` with the name and value as UTF-8 bytes already: the value must outlive the call's result (an arena allocation does). */
  add(name: HeaderName, value: ArrayBuffer): void {
    this.appendRaw(changetype<usize>(name.bytes), name.bytes.byteLength, changetype<usize>(value), value.byteLength);
  }
  /** `set` with the name and value as UTF-8 bytes already (see `add`). */
  put(name: HeaderName, value: ArrayBuffer): void {
    this.delete(name.name);
    this.add(name, value);
  }
  delete(name: string): void {
    const ascii = asciiOnly(name);
    let first = 0;
    while (first < this.count && !this.named(this.at(first), name, ascii)) first++;
    if (first == this.count) return;
    // One spare entry: a `set` appends right after.
    this.own(this.count + 1);
    let kept = first;
    for (let i = first + 1; i < this.count; i++) {
      const e = this.at(i);
      if (this.named(e, name, ascii)) continue;
      // One 16-byte load and store: a memory.copy is a call out of the module in V8.
      store<v128>(this.at(kept++), load<v128>(e));
    }
    this.count = kept;
  }
  /** Rename every `from` header to `to`, keeping values and order. */
  rename(from: string, to: string): void {
    let i = this.indexOf(from);
    if (i < 0) return;
    this.own(this.count);
    const t = encode(to);
    for (; i >= 0; i = this.indexOf(from, i + 1)) {
      const e = this.at(i);
      store<u32>(e, <u32>changetype<usize>(t));
      store<u32>(e, <u32>t.byteLength, 4);
    }
  }
}

/** Bytes of a body: kept where the host put them until read or replaced. */
class Body {
  ptr: usize = 0;
  len: usize = 0;
  bytes: Uint8Array | null = null;

  read(): Uint8Array {
    let b = this.bytes;
    if (b === null) {
      b = new Uint8Array(<i32>this.len);
      memory.copy(b.dataStart, this.ptr, this.len);
      this.bytes = b;
    }
    return b;
  }
  write(b: Uint8Array): void {
    this.bytes = b;
  }
  // Where the current bytes are, for lowering (a replaced body is lowered in place too).
  get at(): usize { const b = this.bytes; return b === null ? this.ptr : b.dataStart; }
  get size(): usize { const b = this.bytes; return b === null ? this.len : <usize>b.length; }
}

/** A string field kept as UTF-8 bytes until read or replaced. */
class Text {
  ptr: usize = 0;
  len: usize = 0;
  str: string | null = null;

  read(): string {
    let s = this.str;
    if (s === null) this.str = s = decodeAt(this.ptr, this.len);
    return s;
  }
  write(s: string): void {
    const b = encode(s);
    this.ptr = changetype<usize>(b);
    this.len = b.byteLength;
    this.str = s;
  }
}

export class Request {
  m: Text = new Text();
  u: Text = new Text();
  b: Body = new Body();
  hasBody: bool = false;

  constructor(method: string, uri: string, public headers: Headers, body: Uint8Array | null) {
    this.m.write(method);
    this.u.write(uri);
    this.body = body;
  }

  /** A request over bytes the host lowered; nothing is decoded or copied yet. */
  static raw(mp: usize, ml: usize, up: usize, ul: usize, headers: Headers, hasBody: bool, bp: usize, bl: usize): Request {
    const r = changetype<Request>(__new(offsetof<Request>(), idof<Request>()));
    r.m = new Text();
    r.m.ptr = mp;
    r.m.len = ml;
    r.u = new Text();
    r.u.ptr = up;
    r.u.len = ul;
    r.headers = headers;
    r.b = new Body();
    r.b.ptr = bp;
    r.b.len = bl;
    r.hasBody = hasBody;
    return r;
  }

  get method(): string { return this.m.read(); }
  set method(v: string) { this.m.write(v); }
  get uri(): string { return this.u.read(); }
  set uri(v: string) { this.u.write(v); }
  /** The body, or null when the request has none. */
  get body(): Uint8Array | null { return this.hasBody ? this.b.read() : null; }
  set body(v: Uint8Array | null) {
    this.hasBody = v !== null;
    if (v !== null) this.b.write(v);
  }

  /** The path part of the URI (before `?`). */
  get path(): string {
    const uri = this.uri;
    const q = uri.indexOf("?");
    return q < 0 ? uri : uri.substring(0, q);
  }
  /** The query string without `?`, or "". */
  get query(): string {
    const uri = this.uri;
    const q = uri.indexOf("?");
    return q < 0 ? "" : uri.substring(q + 1);
  }
}

export class Response {
  b: Body = new Body();

  constructor(public status: u16, public headers: Headers, body: Uint8Array) {
    this.b.write(body);
  }

  /** A response over bytes the host lowered. */
  static raw(status: u16, headers: Headers, bp: usize, bl: usize): Response {
    const r = changetype<Response>(__new(offsetof<Response>(), idof<Response>()));
    r.status = status;
    r.headers = headers;
    r.b = new Body();
    r.b.ptr = bp;
    r.b.len = bl;
    return r;
  }

  get body(): Uint8Array { return this.b.read(); }
  set body(v: Uint8Array) { this.b.write(v); }

  /** A response with a UTF-8 text body. */
  static text(status: u16, text: string, contentType: string = "text/plain; charset=utf-8"): Response {
    const h = new Headers();
    h.append("content-type", contentType);
    return new Response(status, h, Uint8Array.wrap(String.UTF8.encode(text)));
  }
  /** A response whose body is the given JSON text. */
  static json(status: u16, json: string): Response {
    return Response.text(status, json, "application/json");
  }
}

/** The request phase's decision. */
export class Action {
  private constructor(public request: Request | null, public response: Response | null) {}
  /** Continue down the chain with `req` (possibly modified). */
  static next(req: Request): Action { return new Action(req, null); }
  /** Answer now; later stages and the handler are skipped. */
  static respond(resp: Response): Action { return new Action(null, resp); }
}

/** The stage's settings, as given to the middleware factory on the host. */
export class Config {
  keys: string[] = [];
  values: string[] = [];
  get(key: string): string | null {
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] == key) return this.values[i];
    return null;
  }
  getOr(key: string, fallback: string): string {
    const v = this.get(key);
    return v === null ? fallback : v;
  }
}

/** Bytes of a UTF-8 string. */
export function utf8(s: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(s));
}
/** A UTF-8 string from bytes (invalid sequences become U+FFFD). */
export function fromUtf8(b: Uint8Array): string {
  return String.UTF8.decodeUnsafe(b.dataStart, <usize>b.length);
}
