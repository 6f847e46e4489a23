#!/usr/bin/env node
// Scaffold a middleware: `node scripts/new-middleware.mjs <name> --lang as|js|c`
// (npm run new -- <name> --lang c). Writes middleware/<name>/ with an entry file that
// passes requests on and sets `x-<name>: hello` on responses, and a test beside it that
// passes as written once `npm run build:middleware` has built it. `newMiddleware` is
// the function `witline new` calls.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

const ENTRY = {
  as: (name) => `// ${name}: passes requests on and sets \`x-${name}: hello\` on responses.
// SDK: middleware/sdk (AssemblyScript). Built by \`npm run build:middleware\`.
import { Action, Request, Response } from "../sdk";

export function onRequest(req: Request): Action {
  return Action.next(req);
}

export function onResponse(req: Request, resp: Response): Response {
  resp.headers.set("x-${name}", "hello");
  return resp;
}
`,
  js: (name) => `// ${name}: passes requests on and sets \`x-${name}: hello\` on responses.
// SDK: middleware/sdk-js (types: tsc -p middleware/sdk-js). Built by \`npm run build:middleware\`.
import { next, setHeader } from '../sdk-js/index.js';

/** @type {import('../sdk-js/index.js').OnRequest} */
export function onRequest(req) {
  return next(req);
}

/** @type {import('../sdk-js/index.js').OnResponse} */
export function onResponse(req, resp) {
  setHeader(resp.headers, 'x-${name}', 'hello');
  return resp;
}
`,
  c: (name) => `/* ${name}: passes requests on and sets \`x-${name}: hello\` on responses.
 * SDK: middleware/sdk-c/witline.h. Built by \`npm run build:middleware\`. */
#define WITLINE_ON_REQUEST on_request
#define WITLINE_ON_RESPONSE on_response
#include "witline.h"

wl_action on_request(wl_request *req) { return wl_next(req); }

wl_response on_response(wl_request *req, wl_response *resp) {
  resp->headers = wl_headers_set(resp->headers, wl_str("x-${name}"), wl_str("hello"));
  return *resp;
}
`,
};

const FILE = { as: 'index.ts', js: 'index.js', c: 'index.c' };

// A JS guest (QuickJS) needs extended-const: on a runtime without it (Node 20) the test
// checks that the load error names it instead.
const TEST = (name, lang) => `import { afterAll, expect, it } from 'vitest';
import { pipeline, stage } from '../../src/index.js';
import { bundledComponent } from '../../src/middleware/bundled.js';

const open: Array<{ close(): Promise<void> }> = [];
afterAll(() => Promise.all(open.map((p) => p.close())));
${
  lang === 'js'
    ? `// Valid only with extended-const, which QuickJS's core module needs.
const extendedConst = WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 6, 9, 1, 127, 0, 65, 1, 65, 2, 106, 11]));
`
    : `const extendedConst = true;
`
}
it('passes the request on and sets x-${name} on the response', async () => {
  const p = pipeline([stage({ name: '${name}', component: bundledComponent('${name}') })], {
    handler: (req) => ({ status: 200, body: req.uri }),
  });
  open.push(p);
  if (!extendedConst) {
    await expect(p.ready()).rejects.toThrow(/extended-const/);
    return;
  }
  const res = await p.inject({ url: '/hello?x=1' });
  expect(res.status).toBe(200);
  expect(res.text()).toBe('/hello?x=1');
  expect(res.headers['x-${name}']).toBe('hello');
});
`;

/**
 * Write middleware/<name>/ (entry file and test) under `root` (default: this repository).
 * @param {string} name lower-case letters, digits and dashes
 * @param {{ lang: 'as' | 'js' | 'c', root?: string }} options
 * @returns {Promise<string[]>} the files written
 */
export async function newMiddleware(name, { lang, root = repoRoot } = {}) {
  if (!/^[a-z][a-z0-9-]*$/.test(name) || name.startsWith('sdk'))
    throw new Error(`invalid middleware name '${name}': lower-case letters, digits and dashes, not sdk*`);
  if (!ENTRY[lang]) throw new Error(`--lang must be one of ${Object.keys(ENTRY).join(', ')}, got '${lang}'`);
  const dir = join(root, 'middleware', name);
  if (existsSync(dir)) throw new Error(`middleware/${name} already exists`);
  await mkdir(dir, { recursive: true });
  const files = [join(dir, FILE[lang]), join(dir, 'passes-through.test.ts')];
  await writeFile(files[0], ENTRY[lang](name));
  await writeFile(files[1], TEST(name, lang));
  return files;
}

async function main(args) {
  const i = args.indexOf('--lang');
  const lang = i >= 0 ? args[i + 1] : undefined;
  const names = args.filter((a, k) => !a.startsWith('--') && k !== i + 1);
  if (names.length !== 1 || !lang) throw new Error('usage: node scripts/new-middleware.mjs <name> --lang as|js|c');
  const files = await newMiddleware(names[0], { lang });
  for (const f of files) console.log(`wrote ${f}`);
  console.log(`next: npm run build:middleware && npx vitest run middleware/${names[0]}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(err.message);
    process.exit(1);
  });
}
