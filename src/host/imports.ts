import { jcoImportName, type Capability } from '../core/wit-names.mjs';
import type { KvStore } from './kv.js';
import type { AsyncKvStore, StoreFailures } from './async-kv.js';
import type { LogLevel, Logger } from './log.js';
import type { CallContext } from './call-context.js';
import { shieldModules, STATEFUL_CAPABILITIES } from './deadline.js';

/** The host side of every capability, shared by all stages of a pipeline. */
export interface HostServices {
  /** The synchronous store; with an {@link asyncKv}, a guard that no planned stage calls. */
  kv: KvStore;
  /** Set when the pipeline's store answers asynchronously: the stages importing `kv` are suspended (JSPI) or pooled. */
  asyncKv?: AsyncKvStore;
  /** Store failures per stage, counted wherever a stage's kv call was answered (set with {@link asyncKv}). */
  storeFailures?: StoreFailures;
  clock: () => number;
  logger: Logger;
  /** The request the guest being called is handling: entered around each guest call, empty between calls. */
  call: CallContext;
}

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
const BIG_MAX_MS = BigInt(Number.MAX_SAFE_INTEGER);

function ttl(ms: bigint): number {
  return ms > BIG_MAX_MS ? Number.MAX_SAFE_INTEGER : Number(ms);
}

/**
 * The imports object a stage is instantiated with, holding only the capabilities it
 * was granted, keyed as jco's instantiation API expects (interface name, no version).
 */
export function hostImports(
  stage: string,
  granted: readonly Capability[],
  host: HostServices,
  /** The watchdog may terminate this guest's calls: keep it out of the host's (deadline.ts). */
  watched = true,
): Record<string, object> {
  const imports: Record<string, object> = {};
  for (const cap of granted) {
    switch (cap) {
      case 'log':
        imports[jcoImportName('log')] = {
          log(level: LogLevel | number, message: string) {
            const l = typeof level === 'number' ? (LEVELS[level] ?? 'info') : level;
            host.logger[l](message, { stage });
          },
        };
        break;
      case 'clock':
        imports[jcoImportName('clock')] = { nowMs: () => BigInt(Math.floor(host.clock())) };
        break;
      case 'kv':
        imports[jcoImportName('kv')] = {
          get: (key: string) => host.kv.get(key),
          set: (key: string, value: Uint8Array, ttlMs: bigint) => host.kv.set(key, value, ttl(ttlMs)),
          incr: (key: string, delta: bigint, ttlMs: bigint) => host.kv.incr(key, delta, ttl(ttlMs)),
          compareAndSwap: (key: string, expected: Uint8Array | undefined, value: Uint8Array, ttlMs: bigint) =>
            host.kv.compareAndSwap(key, expected, value, ttl(ttlMs)),
          delete: (key: string) => host.kv.delete(key),
        };
        break;
      case 'context':
        imports[jcoImportName('context')] = { remoteAddress: () => host.call.remoteAddress };
        break;
    }
  }
  // The watchdog never stops a guest inside one of these (deadline.ts).
  return watched ? shieldModules(imports, STATEFUL_CAPABILITIES.map(jcoImportName)) : imports;
}
