/**
 * Canonical ABI layouts of the witline:middleware types (32-bit memories, UTF-8 strings).
 * Every record is 4-aligned; these offsets are what the codec and the fused hop read and
 * write, so they live in one place.
 *
 *   string, list<T>          (ptr: u32, len: u32)                 size 8
 *   tuple<string, string>    name @0, value @8                    size 16
 *   option<list<u8>>         tag: u8 @0, list @4                  size 12
 *   request                  method @0, uri @8, headers @16, body @24   size 36
 *   response                 status: u16 @0, headers @4, body @12      size 20
 *   action                   tag: u8 @0 (0 next, 1 respond), payload @4 size 40
 */
export const HEADER_SIZE = 16;
export const REQUEST = { method: 0, uri: 8, headers: 16, bodyTag: 24, body: 28, size: 36 } as const;
export const RESPONSE = { status: 0, headers: 4, body: 12, size: 20 } as const;
export const ACTION = { tag: 0, payload: 4, size: 40, next: 0, respond: 1 } as const;

/** Flat parameter counts: a request is 9 core values, a response 5. */
export const REQUEST_FLAT = 9;
export const RESPONSE_FLAT = 5;
