#!/usr/bin/env node
// Builds every middleware under middleware/<name>/ into a WebAssembly component at
// build/middleware/<name>.wasm, by the language of its entry file:
//   index.ts  AssemblyScript (scripts/builders/as.mjs)
//   index.c   C              (scripts/builders/c.mjs)
//   index.js  JavaScript     (scripts/builders/js.mjs)
// A build is skipped when the digest of its inputs (the WIT, the builder, the toolchain's
// version, the language's SDK and the middleware's own files) is the one it was built from.
import { readFile, writeFile, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { WIT_NAMES, outDir, root, witSource } from './builders/common.mjs';

const here = (f) => fileURLToPath(new URL(f, import.meta.url));

/** Per language: entry file, builder, toolchain package, SDK folder and the files that are inputs. */
const LANGS = [
  { entry: 'index.ts', builder: './builders/as.mjs', build: 'buildAs', toolchain: 'assemblyscript', sdk: 'sdk', input: /\.ts$/ },
  { entry: 'index.c', builder: './builders/c.mjs', build: 'buildC', toolchain: '@yowasp/clang', sdk: 'sdk-c', input: /\.[ch]$/ },
  { entry: 'index.js', builder: './builders/js.mjs', build: 'buildJs', toolchain: 'componentize-qjs', sdk: 'sdk-js', input: /\.(js|mjs|d\.ts)$/ },
];

function langOf(name) {
  return LANGS.find((l) => existsSync(join(root, 'middleware', name, l.entry)));
}

export async function buildMiddleware(name, { wit } = {}) {
  const lang = langOf(name);
  if (!lang) throw new Error(`middleware/${name}: no ${LANGS.map((l) => l.entry).join(', ')}`);
  const builder = await import(lang.builder);
  return builder[lang.build](name, { wit: wit ?? (await witSource()) });
}

/** A digest of everything a middleware's component is built from: unchanged inputs, no rebuild. */
async function inputsDigest(name, wit) {
  const lang = langOf(name);
  const h = createHash('sha256').update(wit);
  for (const f of [fileURLToPath(import.meta.url), here('./builders/common.mjs'), here(lang.builder), WIT_NAMES]) h.update(await readFile(f));
  h.update(JSON.parse(await readFile(join(root, 'node_modules', lang.toolchain, 'package.json'), 'utf8')).version);
  for (const dir of [join(root, 'middleware', lang.sdk), join(root, 'middleware', name)]) {
    if (!existsSync(dir)) continue;
    for (const f of (await readdir(dir)).filter((f) => lang.input.test(f) && !f.endsWith('.test.ts')).sort()) {
      h.update(f).update(await readFile(join(dir, f)));
    }
  }
  return h.digest('hex');
}

async function main() {
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const only = args.filter((a) => !a.startsWith('--'));
  const dirs = (await readdir(join(root, 'middleware'), { withFileTypes: true }))
    .filter((d) => d.isDirectory() && !d.name.startsWith('sdk') && langOf(d.name))
    .map((d) => d.name)
    .filter((n) => only.length === 0 || only.includes(n));
  const wit = await witSource();
  // Two at a time: each build is mostly one compiler process or one Wasm compiler.
  const queue = [...dirs];
  const worker = async () => {
    for (let name = queue.shift(); name; name = queue.shift()) {
      const t0 = performance.now();
      const digest = await inputsDigest(name, wit);
      const stamp = join(outDir, `${name}.inputs`);
      if (!force && existsSync(join(outDir, `${name}.wasm`)) && (await readFile(stamp, 'utf8').catch(() => '')) === digest) {
        console.log(`up to date ${name}`);
        continue;
      }
      const r = await buildMiddleware(name, { wit });
      await writeFile(stamp, digest);
      console.log(`built ${name}: world ${r.world}, ${r.bytes} bytes, ${(performance.now() - t0).toFixed(0)} ms`);
    }
  };
  await Promise.all([worker(), worker()]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err) => {
    console.error(err.stderr || err);
    process.exit(1);
  });
}
