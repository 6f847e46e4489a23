import type { Capability } from './capabilities.js';
import type { KvStore } from './kv.js';
import type { LogLevel, Logger } from './log.js';
import type { RequestContext } from '../core/types.js';
import type { Deadline } from './deadline.js';

/** The host side of every capability, shared by all stages of a pipeline. */
export interface HostServices {
  kv: KvStore;
  clock: () => number;
  logger: Logger;
  /** The request being handled; set by the runner around each guest call. */
  context: { current: RequestContext };
  /** The deadline of the guest call running on this thread (fuel's interrupt reads it). */
  deadline: Deadline;
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
export function hostImports(stage: string, granted: readonly Capability[], host: HostServices): Record<string, object> {
  const imports: Record<string, object> = {};
  for (const cap of granted) {
    switch (cap) {
      case 'log':
        imports['witline:middleware/log'] = {
          log(level: LogLevel | number, message: string) {
            const l = typeof level === 'number' ? (LEVELS[level] ?? 'info') : level;
            host.logger[l](message, { stage });
          },
        };
        break;
      case 'clock':
        imports['witline:middleware/clock'] = { nowMs: () => BigInt(Math.floor(host.clock())) };
        break;
      case 'kv':
        imports['witline:middleware/kv'] = {
          get: (key: string) => host.kv.get(key),
          set: (key: string, value: Uint8Array, ttlMs: bigint) => host.kv.set(key, value, ttl(ttlMs)),
          incr: (key: string, delta: bigint, ttlMs: bigint) => host.kv.incr(key, delta, ttl(ttlMs)),
          compareAndSwap: (key: string, expected: Uint8Array | undefined, value: Uint8Array, ttlMs: bigint) =>
            host.kv.compareAndSwap(key, expected, value, ttl(ttlMs)),
          delete: (key: string) => host.kv.delete(key),
        };
        break;
      case 'context':
        imports['witline:middleware/context'] = { remoteAddress: () => host.context.current.remoteAddress };
        break;
    }
  }
  return imports;
}
