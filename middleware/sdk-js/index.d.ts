// Types for witline middleware written in JavaScript (the value helpers in ./index.js;
// the host capabilities are ./log.js, ./clock.js, ./kv.js, ./context.js, each with its
// .d.ts), written against wit/middleware.wit
// (witline:middleware@0.1.0) in componentize-qjs's mapping of WIT to JS: records are
// objects with camelCase fields, list<u8> is a Uint8Array, option<T> is T | null,
// variants are { tag, val }, tuples are arrays. Every middleware/*/index.js is checked
// by `tsc -p middleware/sdk-js` against JSDoc such as:
//   /** @type {import('../sdk-js/index.js').OnRequest} */

/** Header name/value pairs in wire order; names compare case-insensitively, repeats are kept. */
export type Headers = Array<[name: string, value: string]>;

/** `record request`: `uri` is the request target (path and query); `body` is null without one. */
export interface Request {
  method: string;
  uri: string;
  headers: Headers;
  body: Uint8Array | null;
}

/** `record response`. */
export interface Response {
  status: number;
  headers: Headers;
  body: Uint8Array;
}

/** `variant action`: pass the (possibly rewritten) request on, or answer now. */
export type Action = { tag: 'next'; val: Request } | { tag: 'respond'; val: Response };

/** The stage's settings, `list<tuple<string, string>>`, in the order given. */
export type Config = Array<[key: string, value: string]>;

/** The functions a middleware module may export (at least one phase). */
export type OnRequest = (req: Request) => Action;
export type OnResponse = (req: Request, resp: Response) => Response;
/** Called once per instance before any request: return (or throw) a message to refuse the settings. */
export type Configure = (config: Config) => string | null | undefined | void;

/** UTF-8 bytes of a string (QuickJS here has no TextEncoder). */
export function utf8(s: string): Uint8Array;
/** The string UTF-8 bytes encode (malformed sequences become U+FFFD). */
export function text(bytes: Uint8Array | null): string;

/** The first value of header `name`, or null. */
export function getHeader(headers: Headers, name: string): string | null;
/** Every other `name` entry removed, `name: value` added last (in place; returns `headers`). */
export function setHeader(headers: Headers, name: string, value: string): Headers;
/** `name: value` added last (in place; returns `headers`). */
export function appendHeader(headers: Headers, name: string, value: string): Headers;
/** Every `name` entry removed (in place; returns `headers`). */
export function removeHeader(headers: Headers, name: string): Headers;
/** A setting's value by exact key, or null. */
export function setting(config: Config, key: string): string | null;

export function next(req: Request): Action;
export function respond(status: number, headers?: Headers, body?: string | Uint8Array): Action;
export function response(status: number, headers?: Headers, body?: string | Uint8Array): Response;

/** A string's UTF-8 bytes, bytes as they are, undefined as no bytes. */
export function bytesOf(b: string | Uint8Array | undefined): Uint8Array;
