import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Transpiled } from './cache.js';
import { rewriteCore, rewriterVersion, type SandboxSettings } from './sandbox.js';
import { usesTailCalls } from './tail-calls.js';

/**
 * A component's core modules as the sandbox rewrote them (`sandbox.ts`), cached with its
 * transpile output: `<entry>/sandbox-<key>/<core>.wasm`, where the key covers the rewrite
 * (its version, binaryen's, the fuel slice) and the settings (fuel, memory cap). A warm
 * start reads and compiles them; binaryen is not even loaded.
 */

const memo = new Map<string, Promise<Transpiled>>();
const tails = new Map<string, Promise<boolean>>();

/**
 * Whether any core module of the component may make a tail call (tail-calls.ts: the
 * watchdog cannot stop those on every Node version, so such a stage takes fuel). Read from
 * the transpile output once per component and process.
 */
export function makesTailCalls(component: Transpiled): Promise<boolean> {
  let p = tails.get(component.dir);
  if (!p) {
    p = Promise.all([...component.cores.keys()].map(async (n) => usesTailCalls(await readFile(join(component.dir, n))) !== false)).then((m) =>
      m.includes(true),
    );
    tails.set(component.dir, p);
  }
  return p;
}

function keyOf(settings: SandboxSettings): string {
  return createHash('sha256').update(rewriterVersion()).update(JSON.stringify(settings)).digest('hex').slice(0, 16);
}

/** The component with its cores rewritten for `settings` (the component itself when nothing is to rewrite). */
export function sandboxed(component: Transpiled, settings: SandboxSettings): Promise<Transpiled> {
  if (!settings.fuel && !(settings.maxMemoryBytes > 0)) return Promise.resolve(component);
  const key = keyOf(settings);
  const id = `${component.dir}\0${key}`;
  let p = memo.get(id);
  if (!p) {
    p = load(component, settings, join(component.dir, `sandbox-${key}`));
    memo.set(id, p);
    p.catch(() => memo.delete(id));
  }
  return p;
}

async function load(component: Transpiled, settings: SandboxSettings, dir: string): Promise<Transpiled> {
  const names = [...component.cores.keys()];
  let files: Array<Uint8Array | undefined> = await Promise.all(names.map((n) => readFile(join(dir, n)).catch(() => undefined)));
  let rewriteMs = 0;
  if (files.some((f) => !f)) {
    const t0 = performance.now();
    files = await Promise.all(names.map(async (n) => rewriteCore(await readFile(join(component.dir, n)), settings, n)));
    rewriteMs = performance.now() - t0;
    // Beside the final folder, then renamed: a crash or a concurrent start never leaves half an entry.
    const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    for (const [i, n] of names.entries()) {
      await mkdir(dirname(join(tmp, n)), { recursive: true });
      await writeFile(join(tmp, n), files[i]!);
    }
    try {
      await rename(tmp, dir);
    } catch {
      await rm(tmp, { recursive: true, force: true }); // another process won the race: its entry is as good
    }
  }
  const t1 = performance.now();
  const cores = new Map<string, WebAssembly.Module>();
  await Promise.all(names.map(async (n, i) => cores.set(n, await WebAssembly.compile(files[i] as Uint8Array<ArrayBuffer>))));
  return { ...component, cores, transpileMs: component.transpileMs + rewriteMs, compileMs: component.compileMs + performance.now() - t1 };
}
