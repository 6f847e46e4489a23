import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { Capability, Fusion, Limits, ListenOptions, PoolOptions, StageOptions, UpstreamOptions } from '../index.js';
import type { SANDBOX_OPTIONS } from '../pipeline/stage.js';

/** A stage entry of the config file: a bundled middleware by name, or a component by path. */
/** The sandbox options any stage takes (see `StageOptions`). */
export type SandboxEntry = Pick<StageOptions, (typeof SANDBOX_OPTIONS)[number]>;

export type StageEntry = SandboxEntry &
  (
    | { use: 'auth' | 'rateLimit' | 'rate-limit' | 'transform' | 'signature'; name?: string; options?: Record<string, unknown>; pool?: true | PoolOptions }
    | { component: string; name?: string; config?: Record<string, string | number | boolean>; capabilities?: Capability[]; pool?: true | PoolOptions }
  );

/** The config file, as `schema/witline.config.schema.json` describes it. */
export interface WitlineConfig {
  listen?: Omit<ListenOptions, 'port' | 'host'> & { port?: number; host?: string };
  upstream?: string;
  upstreamOptions?: UpstreamOptions;
  limits?: Partial<Limits>;
  fusion?: Fusion;
  workers?: number;
  metrics?: { port: number; host?: string };
  stages: StageEntry[];
}

/** One problem in the file: the field it is about (`stages[0].options.secret`) and where it is. */
export interface ConfigIssue {
  field: string;
  line: number;
  column: number;
  message: string;
}

/** A config file that cannot be used; `issues` say why and where. */
export class ConfigFileError extends Error {
  constructor(
    readonly file: string,
    readonly issues: ConfigIssue[],
  ) {
    super(issues.map((i) => `${file}:${i.line}:${i.column}: ${i.field}: ${i.message}`).join('\n'));
    this.name = 'ConfigFileError';
  }
}

/** A parsed config file, with what is needed to point at its fields. */
export interface LoadedConfig {
  file: string;
  dir: string;
  text: string;
  config: WitlineConfig;
  /** The line and column of a field, for errors found after validation (a factory refusing its options). */
  issueAt(path: Array<string | number>, message: string): ConfigIssue;
}

/** The package root (holding package.json and schema/), from src/cli in development or dist/ when installed. */
function schemaPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'schema', 'witline.config.schema.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('witline: cannot find schema/witline.config.schema.json from ' + import.meta.url);
    dir = up;
  }
  return join(dir, 'schema', 'witline.config.schema.json');
}

let validator: ValidateFunction | undefined;
function validate(): ValidateFunction {
  validator ??= new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(
    JSON.parse(readFileSync(schemaPath(), 'utf8')),
  );
  return validator;
}

/** `stages[0].options.secret` from a path. */
export function fieldName(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : /^[A-Za-z_$][\w$-]*$/.test(seg) ? (out ? '.' : '') + seg : `[${JSON.stringify(seg)}]`;
  return out || '(root)';
}

function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/** The deepest node that exists on the way to `path` (a missing field is reported where it should be). */
function nearest(tree: Node, path: Array<string | number>): Node {
  for (let n = path.length; n >= 0; n--) {
    const node = findNodeAtLocation(tree, path.slice(0, n));
    if (node) return node;
  }
  return tree;
}

function pointerPath(pointer: string): Array<string | number> {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function describeError(e: ErrorObject): { path: Array<string | number>; message: string; atKey?: boolean } {
  const path = pointerPath(e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { path: [...path, String(p.missingProperty)], message: 'is required' };
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const key = String(p.additionalProperty ?? p.unevaluatedProperty);
      return { path: [...path, key], message: 'is not a known field here', atKey: true };
    }
    case 'enum':
      return { path, message: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'const':
      return { path, message: `must be ${JSON.stringify(p.allowedValue)}` };
    default:
      return { path, message: e.message ?? 'is invalid' };
  }
}

/** Read, parse and validate a config file. Throws {@link ConfigFileError} naming each bad field and its line. */
export async function loadConfig(file: string): Promise<LoadedConfig> {
  const abs = resolve(file);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (err) {
    throw new ConfigFileError(abs, [{ field: '(file)', line: 1, column: 1, message: `cannot be read (${(err as Error).message})` }]);
  }
  const parseErrors: ParseError[] = [];
  const tree = parseTree(text, parseErrors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (parseErrors.length > 0 || !tree) {
    // The first syntax error only: the parser's later ones follow from it.
    const e = parseErrors[0];
    const issue = e ? { field: '(json)', ...position(text, e.offset), message: `JSON syntax: ${printParseErrorCode(e.error)}` } : undefined;
    throw new ConfigFileError(abs, [issue ?? { field: '(json)', line: 1, column: 1, message: 'the file is empty' }]);
  }
  const issueAt = (path: Array<string | number>, message: string, atKey = false): ConfigIssue => {
    let node = nearest(tree, path);
    // An unknown key is pointed at by its name, not its value.
    if (atKey && node.parent?.type === 'property' && node.parent.children?.[0]) node = node.parent.children[0];
    return { field: fieldName(path), ...position(text, node.offset), message };
  };
  const config = JSON.parse(text) as unknown;
  const check = validate();
  if (!check(config)) {
    const seen = new Set<string>();
    const issues: ConfigIssue[] = [];
    // `if` only says a `then` failed; the `then`'s own errors are reported instead.
    for (const e of check.errors ?? []) {
      if (e.keyword === 'if') continue;
      const d = describeError(e);
      const issue = issueAt(d.path, d.message, d.atKey);
      const key = `${issue.field}\0${issue.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      issues.push(issue);
    }
    throw new ConfigFileError(abs, issues);
  }
  return { file: abs, dir: dirname(abs), text, config: config as WitlineConfig, issueAt: (path, message) => issueAt(path, message) };
}
