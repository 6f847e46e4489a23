// Builds the conformance guests that are not the project's own middleware from their
// sources in test/conformance/guests/ into build/conformance/ (keyed by a hash of the
// source, so a test run builds each once): hand-written WAT with jco's wasm-tools API, and
// guests of toolchains the project does not ship but must run: C on wasi-libc as a
// reactor (Clang/LLD from @yowasp/clang) and JavaScript on componentize-qjs's default,
// component-model-async runtime. The AS, C and JS guests the project ships are
// middleware/echo, middleware/conformance-c and middleware/conformance-js, built by
// `npm run build:middleware`.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { componentEmbed, componentNew, parse } from '@bytecodealliance/jco';
import { witName } from '../../src/core/wit-names.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const outDir = join(root, 'build', 'conformance');
const witPath = join(root, 'wit', 'middleware.wit');

/** The guests built here. */
export type BuiltGuest = 'js-async' | 'js-wasi' | 'c-wasi-libc' | 'wat' | 'wat-utf16';

const SOURCES: Record<BuiltGuest, string> = { 'js-async': 'pass.js', 'js-wasi': 'pass.js', 'c-wasi-libc': 'pass.c', wat: 'pass.wat', 'wat-utf16': 'pass.wat' };

/** A core module with the middleware world embedded, wrapped into a component. */
async function fromCore(core: Uint8Array, stringEncoding = 'utf8'): Promise<Uint8Array> {
  const witSource = await readFile(witPath, 'utf8'); // as source text: jco's WASI shim has no preopens
  const embedded = await componentEmbed({ binary: core, witSource, world: witName('middleware'), stringEncoding } as never);
  return componentNew(embedded as never);
}

/** The JS guest on componentize-qjs's default (async) runtime, or (`wasi`) the sync one importing WASI as it does by default. */
async function buildJs(source: string, wasi: boolean): Promise<Uint8Array> {
  const { componentize } = await import('componentize-qjs');
  const { component } = await componentize({ witPath, jsSource: source, world: 'middleware', sync: wasi, stubWasi: !wasi });
  return component;
}

async function buildC(source: string): Promise<Uint8Array> {
  const { commands, runLLVM } = await import('@yowasp/clang');
  await runLLVM(null as never, {}, { fetchProgress: () => {} } as never);
  let log = '';
  const collect = (b: Uint8Array | null) => {
    if (b) log += Buffer.from(b).toString();
  };
  const args = ['--target=wasm32-wasip1', '-mexec-model=reactor', '-O2', '-Wall', '-o', 'out.wasm', 'pass.c'];
  try {
    const out = (await commands.clang(args, { 'pass.c': source }, { stdout: collect, stderr: collect, fetchProgress: () => {} } as never)) as Record<
      string,
      Uint8Array
    >;
    const core = out['out.wasm'];
    // No WASI: a guest is granted none, so the reactor must do no I/O.
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(core as Uint8Array<ArrayBuffer>));
    if (imports.length) throw new Error(`pass.c imports ${imports.map((i) => `${i.module}#${i.name}`).join(', ')}`);
    return fromCore(core);
  } catch (err) {
    throw new Error(`clang failed: ${(err as Error).message}\n${log}`);
  }
}

/** The WAT guest; with `utf16`, its strings as UTF-16LE and its handlers lifted so (lengths are in code units: unchanged). */
async function buildWat(source: string, utf16 = false): Promise<Uint8Array> {
  if (!utf16) return fromCore(await parse(source));
  const wide = source.replace(/\(data \(i32\.const (\d+)\) "([^"]*)"\)/g, (_, at, text: string) => {
    const bytes = [...text].map((c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}\\00`).join('');
    return `(data (i32.const ${at}) "${bytes}")`;
  });
  return fromCore(await parse(wide), 'utf16');
}

const building = new Map<BuiltGuest, Promise<Uint8Array>>();

/** The bytes of a conformance guest, built from source on first use. */
export function conformanceGuest(guest: BuiltGuest): Promise<Uint8Array> {
  let p = building.get(guest);
  if (!p) building.set(guest, (p = build(guest)));
  return p;
}

async function build(guest: BuiltGuest): Promise<Uint8Array> {
  const source = await readFile(join(here, 'guests', SOURCES[guest]), 'utf8');
  const key = createHash('sha256')
    .update(guest)
    .update(source)
    .update(await readFile(fileURLToPath(import.meta.url)))
    .digest('hex')
    .slice(0, 16);
  const path = join(outDir, `${guest}-${key}.wasm`);
  if (existsSync(path)) return new Uint8Array(await readFile(path));
  const bytes =
    guest === 'wat' || guest === 'wat-utf16'
      ? await buildWat(source, guest === 'wat-utf16')
      : guest === 'c-wasi-libc'
        ? await buildC(source)
        : await buildJs(source, guest === 'js-wasi');
  await mkdir(outDir, { recursive: true });
  // Beside and renamed: test files build in parallel processes.
  const tmp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
  return bytes;
}
