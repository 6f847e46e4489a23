import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ComponentLoadError } from '../core/errors.js';
import { hasStartSection, readCanon, type Canon } from './canon.js';
import { compileError } from './features.js';

/**
 * The transpile cache: a component is transpiled by jco once per content hash, into
 * `<cacheDir>/<hash>/`, and later starts import the cached JS and compile its core
 * modules without running jco at all (what `wasmtime compile` is for wasmtime).
 */

// Hashed into every cache key, so never changed at run time: frozen, and jco only ever gets
// a copy (its transpile() adds defaults to the object it is given, which made every key
// computed after a process's first transpile differ from a fresh process's).
const TRANSPILE_OPTIONS = Object.freeze({
  name: 'component',
  instantiation: Object.freeze({ tag: 'async' as const }),
  noTypescript: true,
  wasiShim: false,
  tracing: false,
});

/** What a transpiled component gives the host. */
export interface Transpiled {
  key: string;
  dir: string;
  /** jco's `instantiate(getCoreModule, imports)`. */
  instantiate: (
    getCoreModule: (name: string) => WebAssembly.Module,
    imports: object,
    instantiateCore?: (module: WebAssembly.Module, imports?: WebAssembly.Imports) => Promise<WebAssembly.Instance>,
  ) => Promise<Record<string, any>>;
  cores: Map<string, WebAssembly.Module>;
  /** The component's world as WIT text. */
  wit: string;
  /** Whether the codec may call the handlers' core exports (what `canon` says). */
  codec: boolean;
  /** What the handlers' `canon lift`s name, and why the codec cannot serve them if it cannot. */
  canon: Canon;
  /** True when this process transpiled it; false when it came from the cache. */
  transpiled: boolean;
  /** Time spent on transpile (0 on a hit) and on compiling core modules, ms. */
  transpileMs: number;
  compileMs: number;
}

interface Meta {
  format: number;
  jco: string;
  wit: string;
  canon: Canon;
  cores: string[];
}

// Part of the cache key: bumped when what an entry holds changes, so old entries are never read.
// 3: an entry may hold the sandbox's rewritten cores, in sandbox-<key>/ (component/sandboxed.ts).
// 4: meta.json holds what the handlers' canon lifts name (canon.ts).
const FORMAT = 4;

let jcoVersion: string | undefined;
function toolVersion(): string {
  if (jcoVersion) return jcoVersion;
  const require = createRequire(import.meta.url);
  const pkg = join(dirname(require.resolve('@bytecodealliance/jco')), '..', 'package.json');
  jcoVersion = (require(pkg) as { version: string }).version;
  return jcoVersion;
}

/** The cache folder: the option, else `$WITLINE_CACHE_DIR`, else `node_modules/.cache/witline`. */
export function cacheDir(option?: string): string {
  return option ?? process.env.WITLINE_CACHE_DIR ?? join(process.cwd(), 'node_modules', '.cache', 'witline');
}

function keyOf(bytes: Uint8Array): string {
  return createHash('sha256').update(`${FORMAT}:${toolVersion()}`).update(JSON.stringify(TRANSPILE_OPTIONS)).update(bytes).digest('hex').slice(0, 32);
}

async function readMeta(dir: string): Promise<Meta | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as Meta;
  } catch {
    return undefined;
  }
}

async function transpileInto(bytes: Uint8Array, dir: string): Promise<void> {
  const jco = await import('@bytecodealliance/jco');
  let files: Record<string, Uint8Array>;
  let wit: string;
  let canon: Canon;
  try {
    ({ files } = await jco.transpile(bytes, structuredClone(TRANSPILE_OPTIONS) as never));
    wit = await jco.componentWit(bytes);
    const js = Object.entries(files).find(([name]) => name.endsWith('.js'));
    const starts = Object.entries(files).flatMap(([name, data]) => (name.endsWith('.wasm') && hasStartSection(data) ? [name] : []));
    canon = readCanon(js ? Buffer.from(js[1]).toString('utf8') : '', await jco.print(bytes), starts);
  } catch (err) {
    throw new ComponentLoadError(`jco could not transpile the component: ${(err as Error).message ?? err}`, { cause: err });
  }
  // Write beside the final folder and rename, so a crash or a concurrent start never
  // leaves a half-written entry that a later start would trust.
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await mkdir(tmp, { recursive: true });
  const cores: string[] = [];
  for (const [name, data] of Object.entries(files)) {
    if (name.endsWith('.d.ts')) continue;
    await mkdir(dirname(join(tmp, name)), { recursive: true });
    await writeFile(join(tmp, name), data);
    if (name.endsWith('.wasm')) cores.push(name);
  }
  const meta: Meta = { format: FORMAT, jco: toolVersion(), wit, canon, cores };
  await writeFile(join(tmp, 'meta.json'), JSON.stringify(meta));
  try {
    await rename(tmp, dir);
  } catch {
    await rm(tmp, { recursive: true, force: true }); // another process won the race: its entry is as good
  }
}

/** What a caller of {@link transpileCached} adds: its stage name (for errors) and checks to run before compiling. */
export interface LoadOptions {
  stage?: string;
  /** Runs on the entry's metadata before any core module is compiled (the import policy); throws to refuse. */
  check?: (entry: { wit: string; canon: Canon }) => void;
}

interface Entry {
  key: string;
  dir: string;
  meta: Meta;
  transpiled: boolean;
  transpileMs: number;
  compiled?: Promise<Transpiled>;
}

const loaded = new Map<string, Promise<Entry>>();

/**
 * Transpile (or find in the cache) and compile a component; memoised per process. The
 * checks run between the two, so a component the policy refuses is never compiled, and
 * a module that does not compile is reported with the stage and the feature it lacks.
 */
export async function transpileCached(bytes: Uint8Array, dirOption?: string, options: LoadOptions = {}): Promise<Transpiled> {
  const key = keyOf(bytes);
  const root = cacheDir(dirOption);
  const memo = `${root}\0${key}`;
  let p = loaded.get(memo);
  if (!p) {
    p = entryOf(bytes, key, root);
    loaded.set(memo, p);
    p.catch(() => loaded.delete(memo));
  }
  const entry = await p;
  options.check?.({ wit: entry.meta.wit, canon: entry.meta.canon });
  entry.compiled ??= compile(entry);
  try {
    return await entry.compiled;
  } catch (err) {
    entry.compiled = undefined;
    const failed = err as { core?: string; cause?: unknown };
    if (failed.core) throw compileError(options.stage ?? 'component', failed.core, failed.cause);
    throw err;
  }
}

async function entryOf(bytes: Uint8Array, key: string, root: string): Promise<Entry> {
  const dir = join(root, key);
  let meta = await readMeta(dir);
  let transpileMs = 0;
  const transpiled = !meta;
  if (!meta) {
    const t0 = performance.now();
    await mkdir(root, { recursive: true });
    await transpileInto(bytes, dir);
    transpileMs = performance.now() - t0;
    meta = await readMeta(dir);
    if (!meta) throw new ComponentLoadError(`transpile cache entry ${dir} is unreadable`);
  }
  return { key, dir, meta, transpiled, transpileMs };
}

async function compile({ key, dir, meta, transpiled, transpileMs }: Entry): Promise<Transpiled> {
  const t1 = performance.now();
  const cores = new Map<string, WebAssembly.Module>();
  await Promise.all(
    meta.cores.map(async (name) => {
      const data = await readFile(join(dir, name));
      try {
        cores.set(name, await WebAssembly.compile(data));
      } catch (cause) {
        throw Object.assign(new Error(`${name} does not compile`), { core: name, cause });
      }
    }),
  );
  const js = (await readdir(dir)).find((f) => f.endsWith('.js'));
  if (!js) throw new ComponentLoadError(`transpile cache entry ${dir} has no module`);
  const mod = (await import(pathToFileURL(join(dir, js)).href)) as Pick<Transpiled, 'instantiate'>;
  return {
    key,
    dir,
    instantiate: mod.instantiate,
    cores,
    wit: meta.wit,
    canon: meta.canon,
    codec: !meta.canon.reason,
    transpiled,
    transpileMs,
    compileMs: performance.now() - t1,
  };
}
