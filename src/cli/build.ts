import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pipeline, stage, WitlineError, type Logger, type Pipeline, type Stage } from '../index.js';
import { auth, rateLimit, signature, transform } from '../middleware/index.js';
import { SANDBOX_OPTIONS } from '../pipeline/stage.js';
import { ConfigFileError, type ConfigIssue, type LoadedConfig, type SandboxEntry, type StageEntry } from './config.js';

// The bundled middlewares by the names the config file uses for them.
const BUNDLED: Record<string, (options: never) => Stage> = { auth, rateLimit, 'rate-limit': rateLimit, transform, signature };

/** What a config file's stages are: each stage, where it is in the file, and what files it reads. */
export interface BuiltStages {
  stages: Stage[];
  /** Component files the stages load (resolved), for `--watch`. */
  files: string[];
}

/** Overrides from the command line (`--port`, `--host`, `--upstream`). */
export interface Overrides {
  port?: number;
  host?: string;
  upstream?: string;
}

/** The sandbox options the entry sets (the others keep the stage's defaults). */
function sandboxOf(entry: StageEntry): SandboxEntry {
  return Object.fromEntries(SANDBOX_OPTIONS.filter((k) => entry[k] !== undefined).map((k) => [k, entry[k]])) as SandboxEntry;
}

function oneStage(loaded: LoadedConfig, entry: StageEntry): Stage {
  const sandbox = sandboxOf(entry);
  if ('use' in entry) {
    const s = BUNDLED[entry.use]((entry.options ?? {}) as never);
    // `name`, `pool` and the sandbox options apply to any stage, bundled or not: the stage is re-declared with them.
    if (entry.name === undefined && entry.pool === undefined && Object.keys(sandbox).length === 0) return s;
    // The factory's stage holds the sandbox defaults resolved: declared again from what the
    // entry gives (so that `pool.timeoutMs` alone can set the timeout, as on any stage).
    const { timeoutMs: _t, maxMemoryBytes: _m, failurePolicy: _f, pool, ...rest } = s;
    return stage({ ...rest, name: entry.name ?? s.name, pool: entry.pool ?? pool, ...sandbox });
  }
  const component = resolve(loaded.dir, entry.component);
  return stage({ component, name: entry.name, config: entry.config, capabilities: entry.capabilities, pool: entry.pool, ...sandbox });
}

/** The stages a config file declares. A factory refusing its options is reported at that stage's options. */
export function buildStages(loaded: LoadedConfig): BuiltStages {
  const issues: ConfigIssue[] = [];
  const stages: Stage[] = [];
  const files: string[] = [];
  loaded.config.stages.forEach((entry, i) => {
    try {
      stages.push(oneStage(loaded, entry));
      if ('component' in entry) files.push(resolve(loaded.dir, entry.component));
    } catch (err) {
      if (!(err instanceof WitlineError)) throw err;
      issues.push(loaded.issueAt(['stages', i, 'use' in entry ? 'options' : 'component'], err.message));
    }
  });
  if (issues.length) throw new ConfigFileError(loaded.file, issues);
  return { stages, files };
}

/** A pipeline for a config file (not yet loaded: `ready()` or `listen()` loads it). */
export function buildPipeline(loaded: LoadedConfig, logger: Logger, overrides: Overrides = {}): { pipeline: Pipeline; built: BuiltStages } {
  const built = buildStages(loaded);
  const c = loaded.config;
  try {
    const p = pipeline(built.stages, {
      handler: overrides.upstream ?? c.upstream,
      upstream: c.upstreamOptions,
      limits: c.limits,
      fusion: c.fusion,
      logger,
    });
    return { pipeline: p, built };
  } catch (err) {
    if (!(err instanceof WitlineError)) throw err;
    throw new ConfigFileError(loaded.file, [loaded.issueAt([], err.message)]);
  }
}

/**
 * Load every stage's component on its own, so that a failure (unreadable file, a denied
 * import, a guest refusing its config) is reported at the stage that caused it.
 */
export async function loadEachStage(loaded: LoadedConfig, built: BuiltStages, logger: Logger): Promise<void> {
  const issues: ConfigIssue[] = [];
  await Promise.all(
    built.stages.map(async (s, i) => {
      const p = pipeline([s], { logger });
      try {
        await p.ready();
      } catch (err) {
        const entry = loaded.config.stages[i];
        // A guest refusing its settings is about `config`; anything else about the component itself.
        const field = !('component' in entry) ? 'options' : (err as { code?: string }).code === 'WITLINE_GUEST_CONFIG' && entry.config ? 'config' : 'component';
        issues.push(loaded.issueAt(['stages', i, field], (err as Error).message));
      } finally {
        await p.close();
      }
    }),
  );
  issues.sort((a, b) => a.line - b.line || a.column - b.column);
  if (issues.length) throw new ConfigFileError(loaded.file, issues);
}

/**
 * A fingerprint per stage (its entry and its component's bytes) and one for everything
 * else, so that `--watch` can tell which stages changed and skip a change that is none.
 */
export async function fingerprint(loaded: LoadedConfig): Promise<{ stages: string[]; rest: string }> {
  const hash = (v: string | Uint8Array) => createHash('sha256').update(v).digest('hex');
  const stages = await Promise.all(
    loaded.config.stages.map(async (entry) => {
      if (!('component' in entry)) return hash(JSON.stringify(entry));
      const bytes = await readFile(resolve(loaded.dir, entry.component)).catch(() => new Uint8Array());
      return hash(JSON.stringify(entry) + hash(bytes));
    }),
  );
  const { stages: _s, ...rest } = loaded.config;
  return { stages, rest: hash(JSON.stringify(rest)) };
}
