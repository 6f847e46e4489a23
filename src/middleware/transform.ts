import { InvalidConfigError } from '../core/errors.js';
import { isFieldValue, isToken } from '../core/http.js';
import { stage, type Stage } from '../pipeline/stage.js';
import { bundledComponent } from './bundled.js';

/**
 * Header rules of one phase. They apply in a fixed order whatever the order of the
 * keys: rename, then remove, then set, then append. Names compare case-insensitively.
 */
export interface TransformHeaderRules {
  /**
   * Replace every value of a header with this one. Values may hold tab, printable
   * ASCII and Latin-1; surrounding spaces and tabs are dropped, as HTTP does.
   */
  setHeaders?: Record<string, string>;
  /** Add a header (an array adds several), keeping the values already there. */
  appendHeaders?: Record<string, string | readonly string[]>;
  /** Drop every value of these headers. */
  removeHeaders?: readonly string[];
  /** Rename `from` to `to`, keeping values and order (existing `to` headers stay). */
  renameHeaders?: Record<string, string>;
}

/** A path-prefix rewrite: `/api/users?x=1` with `{ from: '/api/', to: '/v1/' }` becomes `/v1/users?x=1`. */
export interface TransformPathRewrite {
  /** Applies when the path (not the query) starts with this; must start with `/`. */
  from: string;
  /** Replaces `from`; `''` or a string starting with `/`. */
  to: string;
}

/**
 * Edits of a JSON response body, made in place on its bytes: everything not edited
 * is kept byte for byte. They apply only when the response's content-type is
 * `application/json` or `*+json` and its body is a JSON object; any other body passes
 * through untouched. Order: rename, remove, set. Paths are dotted (`data.user.name`);
 * write `\.` for a dot and `\\` for a backslash inside a key. Keys match after JSON
 * decoding (`"user\u005fname"` is `user_name`); when a key repeats, the last one (the
 * one `JSON.parse` keeps) is set, and every one is renamed or removed.
 */
export interface TransformJsonRules {
  /** Set a path to a value (anything `JSON.stringify` accepts); missing objects on the way are created. */
  set?: Record<string, unknown>;
  /**
   * Rename the last key of a path within its object: `{ 'data.old': 'data.new' }` (or
   * just `{ 'data.old': 'new' }`). A member already named like the target is replaced.
   */
  rename?: Record<string, string>;
  /** Remove members. */
  remove?: readonly string[];
}

/**
 * What {@link transform} does to requests and responses. Every part is optional.
 *
 * @example
 * ```ts
 * const options: TransformOptions = {
 *   request: { renameHeaders: { 'x-old': 'x-new' }, rewritePath: [{ from: '/api/v2/', to: '/v2/' }, { from: '/api/', to: '/v1/' }] },
 *   response: { json: { set: { 'meta.gateway': 'witline', version: 2 }, rename: { 'data.old': 'data.new' } } },
 * }
 * ```
 */
export interface TransformOptions {
  /** Rules applied in the request phase: header rules, then the path rewrite. */
  request?: TransformHeaderRules & {
    /** Path-prefix rewrites; the first whose `from` matches applies. */
    rewritePath?: TransformPathRewrite | readonly TransformPathRewrite[];
  };
  /** Rules applied in the response phase; header rules run first, then `json` (which sees their result). */
  response?: TransformHeaderRules & { json?: TransformJsonRules };
}

const PATH_PREFIX = /^[\x21-\x7e]*$/;

function fail(message: string): never {
  throw new InvalidConfigError(`transform: ${message}`);
}

function headerName(where: string, name: unknown): string {
  if (typeof name !== 'string' || !isToken(name)) fail(`${where}: ${JSON.stringify(name)} is not a valid header name`);
  return name;
}

function headerValue(where: string, value: unknown): string {
  if (typeof value !== 'string') fail(`${where}: the value must be a string`);
  if (!isFieldValue(value)) fail(`${where}: the value has a forbidden character (CR, LF, NUL, control or non-Latin-1)`);
  return value;
}

function only(where: string, obj: object | undefined, allowed: readonly string[]): void {
  if (obj === undefined) return;
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) fail(`${where} must be an object`);
  for (const k of Object.keys(obj)) if (!allowed.includes(k)) fail(`unknown option ${where}.${k}`);
}

function record<T>(where: string, value: Record<string, T> | undefined): Array<[string, T]> {
  if (value === undefined) return [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${where} must be an object`);
  return Object.entries(value);
}

function list<T>(where: string, value: readonly T[] | undefined): readonly T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(`${where} must be an array`);
  return value;
}

function headerPairs(phase: 'request' | 'response', rules: TransformHeaderRules, out: Array<[string, string]>): void {
  for (const [from, to] of record(`${phase}.renameHeaders`, rules.renameHeaders)) {
    const where = `${phase}.renameHeaders`;
    out.push([`${phase}.rename-header`, `${headerName(where, from)} ${headerName(where, to)}`]);
  }
  for (const name of list(`${phase}.removeHeaders`, rules.removeHeaders)) {
    out.push([`${phase}.remove-header`, headerName(`${phase}.removeHeaders`, name)]);
  }
  for (const [name, value] of record(`${phase}.setHeaders`, rules.setHeaders)) {
    const where = `${phase}.setHeaders`;
    out.push([`${phase}.set-header`, `${headerName(where, name)}: ${headerValue(where, value)}`]);
  }
  for (const [name, values] of record(`${phase}.appendHeaders`, rules.appendHeaders)) {
    const where = `${phase}.appendHeaders`;
    for (const value of Array.isArray(values) ? values : [values]) {
      out.push([`${phase}.append-header`, `${headerName(where, name)}: ${headerValue(where, value)}`]);
    }
  }
}

/** The keys of a dotted path (`\.` and `\\` escape; `\=` is accepted too). */
function parsePath(where: string, path: string): string[] {
  const keys: string[] = [];
  let cur = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (c === '\\') {
      const e = path[i + 1];
      if (e !== '.' && e !== '\\' && e !== '=') fail(`${where}: ${JSON.stringify(path)}: '\\' must escape '.', '=' or '\\'`);
      cur += e;
      i++;
    } else if (c === '.') {
      if (cur === '') fail(`${where}: ${JSON.stringify(path)} has an empty key`);
      keys.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  if (cur === '') fail(`${where}: ${JSON.stringify(path)} has an empty key`);
  keys.push(cur);
  return keys;
}

/** The path as the guest reads it: `=` escaped too, as it ends the path in a setting. */
function encodePath(keys: readonly string[]): string {
  return keys.map((k) => k.replace(/[\\.=]/g, (c) => '\\' + c)).join('.');
}

function jsonPairs(json: TransformJsonRules, out: Array<[string, string]>): void {
  only('response.json', json, ['set', 'rename', 'remove']);
  for (const [path, to] of record('response.json.rename', json.rename)) {
    const where = 'response.json.rename';
    const from = parsePath(where, path);
    if (typeof to !== 'string') fail(`${where}: the target of ${JSON.stringify(path)} must be a string`);
    let target = parsePath(where, to);
    // A single key names the new key in place: `{ 'data.old': 'new' }`.
    if (target.length === 1 && from.length > 1) target = [...from.slice(0, -1), target[0]];
    if (target.length !== from.length || target.slice(0, -1).some((k, i) => k !== from[i])) {
      fail(`${where}: ${JSON.stringify(path)} -> ${JSON.stringify(to)} leaves its object (a rename stays in the same object)`);
    }
    if (target[target.length - 1] === from[from.length - 1]) fail(`${where}: ${JSON.stringify(path)} is renamed to itself`);
    out.push(['response.json-rename', `${encodePath(from)}=${encodePath(target)}`]);
  }
  for (const path of list('response.json.remove', json.remove)) {
    if (typeof path !== 'string') fail('response.json.remove: paths must be strings');
    out.push(['response.json-remove', encodePath(parsePath('response.json.remove', path))]);
  }
  for (const [path, value] of record('response.json.set', json.set)) {
    const where = 'response.json.set';
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch (err) {
      throw new InvalidConfigError(`transform: ${where}: the value of ${JSON.stringify(path)} cannot be serialised as JSON`, { cause: err });
    }
    if (text === undefined) fail(`${where}: the value of ${JSON.stringify(path)} cannot be serialised as JSON`);
    out.push(['response.json-set', `${encodePath(parsePath(where, path))}=${text}`]);
  }
}

function rewrites(value: TransformPathRewrite | readonly TransformPathRewrite[] | undefined, out: Array<[string, string]>): void {
  if (value === undefined) return;
  for (const r of Array.isArray(value) ? value : [value as TransformPathRewrite]) {
    only('request.rewritePath', r, ['from', 'to']);
    const { from, to } = r ?? ({} as TransformPathRewrite);
    const ok = (s: unknown): s is string => typeof s === 'string' && PATH_PREFIX.test(s) && !/[?#]/.test(s);
    if (!ok(from) || !from.startsWith('/')) fail(`request.rewritePath.from must be a path prefix starting with '/' (got ${JSON.stringify(from)})`);
    if (!ok(to) || (to !== '' && !to.startsWith('/'))) fail(`request.rewritePath.to must be '' or a path starting with '/' (got ${JSON.stringify(to)})`);
    out.push(['request.rewrite-path', `${from} ${to}`]);
  }
}

/** The settings the transform guest reads, validated (exported for tests and tooling). */
export function transformConfig(options: TransformOptions = {}): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const headerKeys = ['setHeaders', 'appendHeaders', 'removeHeaders', 'renameHeaders'];
  only('transform options', options, ['request', 'response']);
  const { request, response } = options;
  only('request', request, [...headerKeys, 'rewritePath']);
  only('response', response, [...headerKeys, 'json']);
  if (request) {
    headerPairs('request', request, out);
    rewrites(request.rewritePath, out);
  }
  if (response) {
    headerPairs('response', response, out);
    if (response.json !== undefined) jsonPairs(response.json, out);
  }
  return out;
}

/**
 * Declarative request and response rewriting: headers, a path prefix, and fields of a
 * JSON response body (edited in place, never re-serialised). Bad options throw
 * {@link InvalidConfigError} here, before any component is loaded.
 *
 * @example
 * ```ts
 * import { pipeline } from 'witline'
 * import { transform } from 'witline/middleware'
 *
 * const gateway = transform({
 *   request: {
 *     setHeaders: { 'x-gateway': 'witline' },
 *     removeHeaders: ['cookie'],
 *     rewritePath: { from: '/api/', to: '/v1/' },
 *   },
 *   response: {
 *     appendHeaders: { via: '1.1 witline' },
 *     json: { set: { 'meta.gateway': 'witline' }, rename: { user_name: 'userName' }, remove: ['internal'] },
 *   },
 * })
 * pipeline([gateway], { handler: 'http://127.0.0.1:3000' })
 * ```
 */
export function transform(options: TransformOptions = {}): Stage {
  const config = transformConfig(options);
  // A phase without rules passes everything through: witline need not call it at all.
  const used = (['request', 'response'] as const).filter((ph) => config.some(([k]) => k.startsWith(`${ph}.`)));
  return stage({ name: 'transform', component: bundledComponent('transform'), config, capabilities: ['log'], ...(used.length && { phases: used }) });
}
