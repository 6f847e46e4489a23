import type { Guest } from '../component/guest.js';
import type { WorldShape } from '../component/policy.js';
import { InvalidConfigError } from '../core/errors.js';
import type { PoolOptions } from '../core/stage.js';
import { witName, type Capability } from '../core/wit-names.mjs';
import type { HostServices } from '../host/imports.js';
import { JSPI } from '../host/suspending-kv.js';
import { resolvePool, type Stage } from './stage.js';

/**
 * Where a stage runs when the pipeline's `kv` store is asynchronous (issue 13). A stage
 * that imports `kv` must be able to wait for the store in the middle of a guest call:
 * - with JSPI, in-thread: its kv calls suspend the guest (`component/suspending.ts`) and
 *   it is a per-hop segment of its own (`segment/suspending.ts`);
 * - without JSPI (Node 20, 22), or for a guest that is not instantiated directly (its kv
 *   calls go through jco's glue, which cannot suspend), on a worker pool: the worker
 *   blocks on the synchronous kv proxy while the main thread awaits the store.
 * Every other stage is planned as it would be with a synchronous store.
 */

/** Why a stage runs where it does, as `describe()` shows it. */
export type PlacementReason = 'pool-option' | 'async-kv-jspi' | 'async-kv-without-jspi' | 'async-kv-jco-instantiation';

/** Whether the stage's guest calls the asynchronous store (it is granted `kv` and imports it). */
export function callsAsyncKv(host: HostServices, granted: readonly Capability[], shape: WorldShape): boolean {
  return host.asyncKv !== undefined && granted.includes('kv') && shape.imports.includes(witName('kv'));
}

/** Whether to ask for a suspending guest: JSPI, and not pooled by its own options. */
export function wantsSuspend(stage: Stage, asyncKv: boolean): boolean {
  return asyncKv && JSPI && stage.pool === undefined;
}

/** The stage's pool options (its own, or the defaults when it must wait for the store off the main thread) and why. */
export function placement(stage: Stage, guest: Guest, asyncKv: boolean): { pool?: Required<PoolOptions>; reason?: PlacementReason } {
  if (stage.pool) return { pool: stage.pool, reason: 'pool-option' };
  if (!asyncKv) return {};
  if (guest.suspending) return { reason: 'async-kv-jspi' };
  if (guest.binding !== 'codec') {
    throw new InvalidConfigError(`stage '${stage.name}' runs on jco's bindings, which cannot wait for an asynchronous kv store (use the codec binding)`);
  }
  return { pool: resolvePool(true), reason: JSPI ? 'async-kv-jco-instantiation' : 'async-kv-without-jspi' };
}
