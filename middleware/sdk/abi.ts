// Canonical ABI glue for the witline:middleware types, the guest side.
//
// Layouts (all align 4): string and list are (ptr: u32, len: u32);
// tuple<string,string> 16 bytes; option<list<u8>> is (tag: u8 @0, list @4), 12 bytes;
// request 36 bytes (method @0, uri @8, headers @16, body @24);
// response 20 bytes (status: u16 @0, headers @4, body @12);
// action 40 bytes (tag: u8 @0, payload @4); result<_, string> 12 bytes (tag @0, string @4).
//
// Lifting reads pointers only (http.ts decodes lazily); lowering writes pointers to
// wherever each value's bytes are, in the arena the host's post-return call rewinds.
import { Action, Config, Headers, Request, Response, decodeAt } from "./http";

function liftHeaders(ptr: usize, len: usize): Headers {
  // Read where the host lowered them: nothing copied unless the stage changes them (http.ts).
  return Headers.over(ptr, <i32>len);
}

export function liftRequest(
  mp: usize, ml: usize, up: usize, ul: usize, hp: usize, hl: usize, bt: u32, bp: usize, bl: usize,
): Request {
  return Request.raw(mp, ml, up, ul, liftHeaders(hp, hl), bt != 0, bp, bl);
}

export function liftResponse(status: u32, hp: usize, hl: usize, bp: usize, bl: usize): Response {
  return Response.raw(<u16>status, liftHeaders(hp, hl), bp, bl);
}

export function liftConfig(ptr: usize, len: usize): Config {
  const c = new Config();
  for (let i: usize = 0; i < len; i++) {
    const e = ptr + i * 16;
    c.keys.push(decodeAt(load<u32>(e), load<u32>(e, 4)));
    c.values.push(decodeAt(load<u32>(e, 8), load<u32>(e, 12)));
  }
  return c;
}

function storeString(at: usize, s: string): void {
  const n = String.UTF8.byteLength(s);
  const p = __alloc(<usize>n);
  String.UTF8.encodeUnsafe(changetype<usize>(s), s.length, p);
  store<u32>(at, p);
  store<u32>(at, n, 4);
}

function storeHeaders(at: usize, h: Headers): void {
  // The entries where they are: the host's own list when unchanged, else this call's copy.
  store<u32>(at, h.count == 0 ? 4 : <u32>h.base);
  store<u32>(at, h.count, 4);
}

function storeRequest(at: usize, r: Request): void {
  store<u32>(at, r.m.ptr);
  store<u32>(at, r.m.len, 4);
  store<u32>(at, r.u.ptr, 8);
  store<u32>(at, r.u.len, 12);
  storeHeaders(at + 16, r.headers);
  if (r.hasBody) {
    store<u8>(at + 24, 1);
    store<u32>(at, r.b.at, 28);
    store<u32>(at, r.b.size, 32);
  } else {
    store<u8>(at + 24, 0);
  }
}

function storeResponse(at: usize, r: Response): void {
  store<u16>(at, r.status);
  storeHeaders(at + 4, r.headers);
  store<u32>(at, r.b.at, 12);
  store<u32>(at, r.b.size, 16);
}

export function lowerAction(a: Action): usize {
  const p = __alloc(40);
  const req = a.request;
  if (req !== null) {
    store<u8>(p, 0);
    storeRequest(p + 4, req);
  } else {
    store<u8>(p, 1);
    storeResponse(p + 4, a.response!);
  }
  return p;
}

export function lowerResponse(r: Response): usize {
  const p = __alloc(20);
  storeResponse(p, r);
  return p;
}

/** result<_, string>: null is ok, a string is the error. */
export function lowerResult(error: string | null): usize {
  const p = __alloc(12);
  if (error === null) {
    store<u8>(p, 0);
  } else {
    store<u8>(p, 1);
    storeString(p + 4, error);
  }
  return p;
}
