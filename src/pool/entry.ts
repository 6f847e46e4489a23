import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The file piscina starts workers from, and the Node flags they need for it. */
export interface WorkerEntry {
  filename: string;
  execArgv?: string[];
}

/**
 * Where the worker entry is. Installed (dist), it is `pool/worker.js` next to the bundle.
 * Running from source (tests, `node --import tsx`), `worker.ts` sits beside this file:
 * it is bundled with esbuild (which tsx, the dev dependency that runs the sources, brings)
 * into `node_modules/.cache`, once per state of the sources (named by their paths, sizes
 * and modification times, so an edit means a new bundle and a stale one is never used).
 * A worker then starts as plain JS in tens of milliseconds instead of compiling
 * TypeScript through tsx for half a second; without esbuild, workers load `worker.ts`
 * through tsx.
 */
export async function workerEntry(): Promise<WorkerEntry> {
  for (const rel of ['./pool/worker.js', './worker.js']) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return { filename: path, execArgv: withoutTsx(process.execArgv) };
  }
  const ts = fileURLToPath(new URL('./worker.ts', import.meta.url));
  bundled ??= bundle(ts);
  const js = await bundled;
  if (js) return { filename: js, execArgv: withoutTsx(process.execArgv) };
  return { filename: ts, execArgv: [...withoutTsx(process.execArgv), '--import', 'tsx'] };
}

/** The process's Node flags minus a tsx loader: a JS worker needs none, and loading tsx costs a worker ~0.3 s. */
function withoutTsx(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if ((a === '--import' || a === '--require' || a === '--loader' || a === '-r') && /(^|[\\/])tsx([\\/]|$)/.test(argv[i + 1] ?? '')) i++;
    else if (/^--(import|require|loader)=.*\btsx\b/.test(a)) continue;
    else out.push(a);
  }
  return out;
}

let bundled: Promise<string | undefined> | undefined;

interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ outputFiles: Array<{ text: string }> }>;
}

/** A key for the current state of every source file under `dir`. */
async function sourcesKey(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const entries = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.ts') || f.endsWith('.mjs')).sort();
  for (const f of entries) {
    const s = await stat(join(dir, f));
    hash.update(`${f}:${s.size}:${s.mtimeMs}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

/** Bundle the worker's sources (packages stay imports), or find the bundle of these sources. */
async function bundle(ts: string): Promise<string | undefined> {
  try {
    // Inside the package's node_modules, so the bundle's package imports resolve from it.
    const dir = fileURLToPath(new URL('../../node_modules/.cache/witline-pool-worker/', import.meta.url));
    const file = join(dir, `worker-${await sourcesKey(fileURLToPath(new URL('../', import.meta.url)))}.mjs`);
    if (existsSync(file)) return file;
    const require = createRequire(import.meta.url);
    const esbuildPath = createRequire(require.resolve('tsx')).resolve('esbuild');
    const esbuild = (await import(pathToFileURL(esbuildPath).href)) as Esbuild & { default?: Esbuild };
    const { outputFiles } = await (esbuild.default ?? esbuild).build({
      entryPoints: [ts],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      sourcemap: 'inline',
      logLevel: 'silent',
    });
    await mkdir(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, outputFiles[0].text);
    await rename(tmp, file); // whole or not at all, whoever writes it first
    return file;
  } catch {
    return undefined;
  }
}
