// The C builder: middleware/<name>/*.c into build/middleware/<name>.wasm.
//   1. compile freestanding for wasm32 with Clang/LLD from @yowasp/clang (compiled to
//      WebAssembly, installed by `npm ci`: nothing else on the machine), against the
//      single header middleware/sdk-c/witline.h, which holds all the Canonical ABI glue;
//   2. read the world off the phases the core module exports;
//   3. declare the SDK's allocator an arena (the `witline:arena` custom section);
//   4. embed the WIT world and wrap the core module into a component (common.mjs).
// No libc and no start-up code: the module has no `_initialize` for a host to run.
import { readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ARENA_SECTION, CORE_EXPORTS, componentFromCore, outDir, root, withCustomSection, worldFor } from './common.mjs';

export const CFLAGS = ['--target=wasm32', '-O2', '-ffreestanding', '-nostdlib', '-Wall', '-Wextra', '-Wno-unused-parameter'];
const LDFLAGS = ['-Wl,--no-entry', '-Wl,-z,stack-size=65536', '-Wl,--strip-all'];

async function sources(dir) {
  const tree = {};
  for (const f of (await readdir(dir)).filter((f) => /\.[ch]$/.test(f)).sort()) tree[f] = await readFile(join(dir, f));
  return tree;
}

/** Compile the C files of middleware/<name> into a core module (bytes). */
export async function compileC(name) {
  const { commands, runLLVM } = await import('@yowasp/clang');
  // Load the toolchain's resources first, quietly (clang's own first step would print progress).
  await runLLVM(null, {}, { fetchProgress: () => {} });
  const own = await sources(join(root, 'middleware', name));
  const files = Object.keys(own).filter((f) => f.endsWith('.c'));
  if (files.length === 0) throw new Error(`middleware/${name}: no .c file`);
  // The compiler sees an in-memory tree laid out like the repository; the SDK is on the
  // include path (`#include "witline.h"`: the in-memory file system does not resolve `..`).
  const tree = { middleware: { [name]: own, 'sdk-c': await sources(join(root, 'middleware', 'sdk-c')) } };
  let log = '';
  const err = (b) => {
    if (b) log += Buffer.from(b).toString();
  };
  const args = [...CFLAGS, ...LDFLAGS, '-Imiddleware/sdk-c', '-o', 'out.wasm', ...files.map((f) => `middleware/${name}/${f}`)];
  let out;
  try {
    out = await commands.clang(args, tree, { stdout: err, stderr: err, fetchProgress: () => {} });
  } catch (e) {
    throw new Error(`middleware/${name}: clang failed (${e.code ?? e.message})\n${log}`);
  }
  if (log.trim()) process.stderr.write(log);
  return out['out.wasm'];
}

export async function buildC(name, { wit } = {}) {
  // witline.h's allocator is an arena (a bump pointer every post-return rewinds, no free):
  // declared, so that the host may pack a value's strings into one allocation.
  const core = withCustomSection(await compileC(name), ARENA_SECTION, [1]);
  const exported = new Set(WebAssembly.Module.exports(new WebAssembly.Module(core)).map((e) => e.name));
  const world = worldFor({
    onRequest: exported.has(CORE_EXPORTS.onRequest),
    onResponse: exported.has(CORE_EXPORTS.onResponse),
  });
  const component = await componentFromCore(core, world, wit);
  await mkdir(outDir, { recursive: true });
  const path = join(outDir, `${name}.wasm`);
  await writeFile(path, component);
  return { name, world, path, bytes: component.byteLength };
}
