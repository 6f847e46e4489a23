import type { LiftLimits } from '../abi/lift.js';
import type { Binding } from '../component/guest.js';
import { InvalidConfigError } from '../core/errors.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../core/http.js';
import { resolveLimits, type Limits } from '../core/limits.js';
import type { Handler } from '../core/types.js';
import { asyncStoreGuard, isAsyncKvStore, StoreFailures, type AsyncKvStore } from '../host/async-kv.js';
import { CallContext } from '../host/call-context.js';
import type { HostServices } from '../host/imports.js';
import { MemoryStore, type KvStore } from '../host/kv.js';
import { defaultLogger, type Logger } from '../host/log.js';
import type { LoadSettings } from './load.js';
import type { Fusion } from './plan.js';
import type { UpstreamOptions } from './terminal.js';

/** Options of {@link pipeline}. */
export interface PipelineOptions {
  /** What answers after the request phase: a function, an upstream base URL, or (default) 404. */
  handler?: Handler | string | URL;
  /** Forwarding settings when `handler` is an upstream URL. */
  upstream?: UpstreamOptions;
  /**
   * The store behind the `kv` capability; default a new {@link MemoryStore} driven by `clock`.
   * An {@link AsyncKvStore} (`RedisStore`) is waited for: stages importing `kv` are suspended
   * (JSPI) or run on a pool (see `describe()`'s `placementReason`).
   */
  kv?: KvStore | AsyncKvStore;
  /** Wall-clock time in epoch ms, for guests and the default store. Default `Date.now`. */
  clock?: () => number;
  logger?: Logger;
  limits?: Partial<Limits>;
  /** Transpile cache folder; default `$WITLINE_CACHE_DIR`, else `node_modules/.cache/witline`. */
  cacheDir?: string;
  /**
   * `'auto'` (default) fuses adjacent stages: a request moves from one stage's memory to
   * the next with no JS objects and no awaits in between. `'off'`: per-hop mode, every
   * hop lifted to JS and awaited.
   */
  fusion?: Fusion;
  /**
   * How stages are called: `'codec'` (default), witline's Canonical ABI codec over the
   * core exports, where a component allows it; `'jco'`, jco's generated bindings (for
   * comparison; never fused).
   */
  binding?: Binding;
}

/** A pipeline's options checked and filled in: its limits, the host side of the capabilities, and what loading stages needs. */
export function resolveOptions(options: PipelineOptions): { limits: Limits; host: HostServices; settings: LoadSettings } {
  const limits = resolveLimits(options.limits);
  const clock = options.clock ?? Date.now;
  const kv = options.kv ?? new MemoryStore({ now: clock });
  const host: HostServices = { kv: kv as KvStore, clock, logger: options.logger ?? defaultLogger(), call: new CallContext() };
  // An asynchronous store is reached through suspending guests or pools; a synchronous call to it is a bug the guard reports.
  if (isAsyncKvStore(kv)) Object.assign(host, { kv: asyncStoreGuard(), asyncKv: kv, storeFailures: new StoreFailures() });
  const fusion = options.fusion ?? 'auto';
  const binding = options.binding ?? 'codec';
  if (fusion !== 'auto' && fusion !== 'off') throw new InvalidConfigError(`fusion must be 'auto' or 'off'`);
  if (binding !== 'codec' && binding !== 'jco') throw new InvalidConfigError(`binding must be 'codec' or 'jco'`);
  // What a guest's results may make the host copy: the request limits, and the upstream's response cap.
  const lift: LiftLimits = {
    maxHeaderCount: limits.maxHeaderCount,
    maxHeaderBytes: limits.maxHeaderBytes,
    maxRequestBodyBytes: limits.maxBodyBytes,
    maxResponseBodyBytes: options.upstream?.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    // ... and what a stage's response may put in the head (its checks, core/validate.ts).
    maxResponseHeaderCount: limits.maxResponseHeaderCount,
    maxResponseHeaderBytes: limits.maxResponseHeaderBytes,
  };
  return { limits, host, settings: { host, cacheDir: options.cacheDir, binding, fusion, clockGiven: options.clock !== undefined, lift } };
}
