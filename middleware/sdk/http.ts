// The middleware's view of HTTP: what `onRequest` and `onResponse` receive and return.

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

/** Header list in wire order; lookups ignore case, repeated names are kept. */
export class Headers {
  names: string[] = [];
  values: string[] = [];

  get length(): i32 { return this.names.length; }

  /** The first value for `name`, or null. */
  get(name: string): string | null {
    for (let i = 0; i < this.names.length; i++) {
      if (equalsIgnoreCase(this.names[i], name)) return this.values[i];
    }
    return null;
  }
  has(name: string): bool { return this.get(name) !== null; }
  getAll(name: string): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.names.length; i++) {
      if (equalsIgnoreCase(this.names[i], name)) out.push(this.values[i]);
    }
    return out;
  }
  append(name: string, value: string): void {
    this.names.push(name);
    this.values.push(value);
  }
  /** Replace every value of `name` with one. */
  set(name: string, value: string): void {
    this.delete(name);
    this.append(name, value);
  }
  delete(name: string): void {
    const names: string[] = [];
    const values: string[] = [];
    for (let i = 0; i < this.names.length; i++) {
      if (!equalsIgnoreCase(this.names[i], name)) {
        names.push(this.names[i]);
        values.push(this.values[i]);
      }
    }
    this.names = names;
    this.values = values;
  }
  /** Rename every `from` header to `to`, keeping values and order. */
  rename(from: string, to: string): void {
    for (let i = 0; i < this.names.length; i++) {
      if (equalsIgnoreCase(this.names[i], from)) this.names[i] = to;
    }
  }
}

export class Request {
  constructor(
    public method: string,
    public uri: string,
    public headers: Headers,
    public body: Uint8Array | null,
  ) {}

  /** The path part of the URI (before `?`). */
  get path(): string {
    const q = this.uri.indexOf("?");
    return q < 0 ? this.uri : this.uri.substring(0, q);
  }
  /** The query string without `?`, or "". */
  get query(): string {
    const q = this.uri.indexOf("?");
    return q < 0 ? "" : this.uri.substring(q + 1);
  }
}

export class Response {
  constructor(
    public status: u16,
    public headers: Headers,
    public body: Uint8Array,
  ) {}

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
