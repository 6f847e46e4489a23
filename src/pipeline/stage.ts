import type { Capability } from '../host/capabilities.js';

/** Where a component comes from: a file path, a `file:` URL, or the component's bytes. */
export type ComponentSource = string | URL | Uint8Array;

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
}

/** A pipeline stage, as returned by {@link stage} and the bundled middleware factories. */
export interface Stage extends Readonly<StageOptions> {
  readonly kind: 'witline.stage';
  readonly name: string;
  readonly config: ReadonlyArray<readonly [string, string]>;
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
  return Object.freeze({
    ...options,
    kind: 'witline.stage' as const,
    name: options.name ?? nameOf(options.component),
    config: configPairs(options.config),
  });
}
