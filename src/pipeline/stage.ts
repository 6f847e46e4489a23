import { availableParallelism } from 'node:os';
import { InvalidComponentError, InvalidConfigError } from '../core/errors.js';
import type { ComponentSource, Interrupt, PoolOptions } from '../core/stage.js';
import type { Capability } from '../core/wit-names.mjs';

/** Settings passed to the guest's `configure` once per instance. */
export type StageConfig = Record<string, string | number | boolean> | ReadonlyArray<readonly [string, string]>;

/** What a stage is: a component, its settings and the host capabilities it is granted. */
export interface StageOptions {
  /** The component implementing the stage. */
  component: ComponentSource;
  /** A name for logs, errors and `describe()`; defaults to the file name. */
  name?: string;
  /** Settings for `configure`. Pairs may repeat a key; a record may not. */
  config?: StageConfig;
  /**
   * Host capabilities this stage may import. A component importing anything else
   * is refused when the pipeline loads. Default: every witline capability
   * (`log`, `clock`, `kv`, `context`). WASI is never granted.
   */
  capabilities?: readonly Capability[];
  /**
   * Run this stage on a pool of worker threads instead of the main thread: for CPU-heavy
   * stages (signatures over large bodies) that would otherwise block the event loop.
   * `true` takes the defaults of {@link PoolOptions}. Adjacent pooled stages with the same
   * pool options share one pool and run fused inside a worker.
   */
  pool?: true | PoolOptions;
  /**
   * The phases witline calls, of those the component exports; default all of them. A
   * stage whose settings make a phase a pass-through names only the other, and its
   * requests skip the call and the copy into its memory (the bundled `transform` does,
   * when it has rules for one phase only). Naming a phase the component does not export
   * is refused when the pipeline loads.
   */
  phases?: ReadonlyArray<'request' | 'response'>;
  /**
   * The longest one call of the stage may run, ms: either phase, and also its instantiation
   * and `configure`. Default 1,000. On the main thread a guest past it is interrupted (see
   * {@link interrupt}): the request gets 503 `WITLINE_STAGE_TIMEOUT` and the instance is
   * replaced. A pooled stage's worker is terminated instead. `0` turns the deadline off: a
   * looping guest then hangs its thread (for measurement, or guests you trust).
   */
  timeoutMs?: number;
  /**
   * How a guest past `timeoutMs` is stopped on the main thread. `'watchdog'` (the default,
   * where witline's native addon is built): the guest runs as it was compiled, and a watchdog
   * thread terminates a call past its deadline (V8's `TerminateExecution`); it costs a native
   * call per guest call. `'fuel'`: the guest's core modules are rewritten at load to count
   * work and check the clock every so often (2–12% slower guests; needs no addon). A stage
   * whose kv calls suspend (JSPI) always uses fuel: its resumed calls run outside the
   * watchdog's frame. Asking for `'watchdog'` where the addon did not load is refused.
   */
  interrupt?: Interrupt;
  /**
   * The most linear memory one instance may have, bytes (rounded down to 64 KiB pages).
   * Default 64 MiB. `memory.grow` past it returns -1 (the guest sees an allocation failure).
   * `0` leaves the component's own limit.
   */
  maxMemoryBytes?: number;
  /**
   * What a failure of this stage (a trap, a timeout, an invalid result) does to the request:
   * `'closed'` (default) answers with the error (500, 503, 502); `'open'` skips the stage
   * for that request, which goes on as the stage received it (logged, and counted in
   * `describe()`).
   */
  failurePolicy?: FailurePolicy;
}

/** See {@link StageOptions.failurePolicy}. */
export type FailurePolicy = 'closed' | 'open';

/** Defaults of the sandbox options. */
export const STAGE_DEFAULTS = { timeoutMs: 1_000, maxMemoryBytes: 64 * 1024 * 1024, failurePolicy: 'closed' as FailurePolicy };

/** A pipeline stage, as returned by {@link stage} and the bundled middleware factories. */
export interface Stage extends Readonly<StageOptions> {
  readonly kind: 'witline.stage';
  readonly name: string;
  readonly config: ReadonlyArray<readonly [string, string]>;
  /** The pool settings with defaults filled in, when the stage is pooled (`timeoutMs` is the stage's). */
  readonly pool?: Required<PoolOptions>;
  readonly timeoutMs: number;
  readonly maxMemoryBytes: number;
  readonly failurePolicy: FailurePolicy;
}

function nameOf(source: ComponentSource): string {
  if (source instanceof Uint8Array) return 'component';
  const path = source instanceof URL ? source.pathname : source;
  const base = path.split(/[\\/]/).pop() ?? 'component';
  return base.replace(/\.wasm$/, '');
}

/** Normalise settings to the `list<tuple<string, string>>` the guest receives. */
export function configPairs(config: StageConfig | undefined): Array<readonly [string, string]> {
  if (!config) return [];
  if (Array.isArray(config)) return config.map(([k, v]) => [String(k), String(v)] as const);
  return Object.entries(config).map(([k, v]) => [k, String(v)] as const);
}

/**
 * Declare a pipeline stage from a WebAssembly component.
 *
 * @example
 * ```ts
 * const headers = stage({ component: './build/my-headers.wasm', config: { prefix: 'x-' }, capabilities: ['log'] })
 * pipeline([headers]).listen({ port: 8080 })
 * ```
 */
export function stage(options: StageOptions): Stage {
  const { pool, ...rest } = options;
  const sandbox = resolveSandbox(options);
  const resolved = resolvePool(pool, sandbox.timeoutMs);
  const { phases } = options;
  if (phases !== undefined && (!Array.isArray(phases) || phases.length === 0 || phases.some((ph) => ph !== 'request' && ph !== 'response'))) {
    throw new InvalidConfigError(`phases must be a non-empty list of 'request' and 'response', got ${JSON.stringify(phases)}`);
  }
  return Object.freeze({
    ...rest,
    ...sandbox,
    kind: 'witline.stage' as const,
    name: options.name ?? nameOf(options.component),
    config: configPairs(options.config),
    ...(resolved && { pool: Object.freeze(resolved) }),
    ...(phases && { phases: Object.freeze([...phases]) }),
  });
}

/** The stage options that configure its sandbox (the CLI's config file takes them on any stage too). */
export const SANDBOX_OPTIONS = ['timeoutMs', 'maxMemoryBytes', 'failurePolicy', 'interrupt'] as const;

/** Check the sandbox options and fill in their defaults; `pool.timeoutMs` folds into `timeoutMs`. */
export function resolveSandbox(options: Pick<StageOptions, (typeof SANDBOX_OPTIONS)[number] | 'pool'>): {
  timeoutMs: number;
  maxMemoryBytes: number;
  failurePolicy: FailurePolicy;
} {
  const { maxMemoryBytes = STAGE_DEFAULTS.maxMemoryBytes, failurePolicy = STAGE_DEFAULTS.failurePolicy } = options;
  const fromPool = typeof options.pool === 'object' && options.pool !== null ? options.pool.timeoutMs : undefined;
  if (options.timeoutMs !== undefined && fromPool !== undefined && options.timeoutMs !== fromPool) {
    throw new InvalidConfigError(`timeoutMs (${options.timeoutMs}) and pool.timeoutMs (${fromPool}) disagree: give one`);
  }
  const timeoutMs = options.timeoutMs ?? fromPool ?? STAGE_DEFAULTS.timeoutMs;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 0) throw new InvalidConfigError(`timeoutMs must be an integer >= 0, got ${timeoutMs}`);
  if (!Number.isInteger(maxMemoryBytes) || maxMemoryBytes < 0 || (maxMemoryBytes > 0 && maxMemoryBytes < 65536) || maxMemoryBytes > 2 ** 32) {
    throw new InvalidConfigError(`maxMemoryBytes must be 0 or an integer from 65,536 to 4 GiB, got ${maxMemoryBytes}`);
  }
  if (failurePolicy !== 'closed' && failurePolicy !== 'open')
    throw new InvalidConfigError(`failurePolicy must be 'closed' or 'open', got ${String(failurePolicy)}`);
  const { interrupt } = options;
  if (interrupt !== undefined && interrupt !== 'watchdog' && interrupt !== 'fuel')
    throw new InvalidConfigError(`interrupt must be 'watchdog' or 'fuel', got ${String(interrupt)}`);
  return { timeoutMs, maxMemoryBytes, failurePolicy };
}

const POOL_KEYS = ['minThreads', 'maxThreads', 'maxQueue', 'timeoutMs'] as const;

/** Fill in a stage's pool defaults and check them; undefined when the stage is not pooled. */
export function resolvePool(pool: StageOptions['pool'] | undefined, timeoutMs = STAGE_DEFAULTS.timeoutMs): Required<PoolOptions> | undefined {
  if (pool === undefined || (pool as unknown) === false) return undefined;
  const given: PoolOptions = pool === true ? {} : pool;
  if (given === null || typeof given !== 'object' || Array.isArray(given)) throw new InvalidConfigError(`pool must be true or an object`);
  for (const k of Object.keys(given)) {
    if (!(POOL_KEYS as readonly string[]).includes(k)) throw new InvalidConfigError(`pool: unknown option '${k}'`);
  }
  for (const k of POOL_KEYS) {
    const v = given[k];
    const min = k === 'minThreads' || k === 'maxQueue' || k === 'timeoutMs' ? 0 : 1;
    if (v !== undefined && (!Number.isInteger(v) || v < min)) throw new InvalidConfigError(`pool.${k} must be an integer >= ${min}, got ${v}`);
  }
  const maxThreads = given.maxThreads ?? Math.max(given.minThreads ?? 1, availableParallelism());
  const minThreads = given.minThreads ?? Math.min(1, maxThreads);
  if (minThreads > maxThreads) throw new InvalidConfigError(`pool.minThreads (${minThreads}) exceeds pool.maxThreads (${maxThreads})`);
  return { minThreads, maxThreads, maxQueue: given.maxQueue ?? 64 * maxThreads, timeoutMs: given.timeoutMs ?? timeoutMs };
}

/** The phases witline calls: those exported, narrowed to `wanted` when the stage names some; naming an unexported one is refused. */
export function calledPhases<P extends { request: boolean; response: boolean }>(stage: string, exported: P, wanted: StageOptions['phases']): P {
  if (!wanted) return exported;
  for (const ph of wanted) if (!exported[ph]) throw new InvalidComponentError(`stage '${stage}' names the ${ph} phase, which its component does not export`);
  return { ...exported, request: wanted.includes('request'), response: wanted.includes('response') };
}
