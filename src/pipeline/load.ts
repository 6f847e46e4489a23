import { readComponent } from '../component/load.js';
import { transpileCached, type Transpiled } from '../component/cache.js';
import { checkExports, checkImports, worldShape, type WorldShape } from '../component/policy.js';
import { makesTailCalls, sandboxed } from '../component/sandboxed.js';
import { requireJspi } from '../component/features.js';
import type { LiftLimits } from '../abi/lift.js';
import { Guest, type Binding } from '../component/guest.js';
import { WITLINE_CAPABILITIES } from '../core/wit-names.mjs';
import type { Segment } from '../core/segment.js';
import type { Interrupt, PoolOptions } from '../core/stage.js';
import { InvalidConfigError } from '../core/errors.js';
import { watchdog, watchdogFailure } from '../host/watchdog.js';
import type { HostServices } from '../host/imports.js';
import type { PoolFactory } from '../pool/pool.js';
import { plan, type Fusion } from './plan.js';
import { callsAsyncKv, placement, wantsSuspend, type PlacementReason } from './async-kv.js';
import { calledPhases, resolvePool, type Stage } from './stage.js';

/** What loading stages and planning segments need from the pipeline. */
export interface LoadSettings {
  host: HostServices;
  cacheDir: string | undefined;
  binding: Binding;
  fusion: Fusion;
  /** Whether the pipeline was given a clock (pool workers then proxy it). */
  clockGiven: boolean;
  /** What a guest's results may make the host copy. */
  lift: LiftLimits;
}

/**
 * Read one stage's component, judge its imports and exports from the binary (before any
 * of it is transpiled), transpile it (or find it in the cache), apply the sandbox, and
 * instantiate and configure its guest.
 */
export async function loadGuest(s: Stage, o: LoadSettings): Promise<{ guest: Guest; shape: WorldShape; asyncKv: boolean }> {
  const bytes = await readComponent(s.component);
  const shape = worldShape(bytes);
  const capabilities = s.capabilities ?? WITLINE_CAPABILITIES;
  checkImports(s.name, shape, capabilities);
  const phases = calledPhases(s.name, checkExports(s.name, shape), s.phases);
  const asyncKv = callsAsyncKv(o.host, capabilities, shape);
  const suspend = wantsSuspend(s, asyncKv);
  // Runtime features too, before any core module compiles (compile errors name the stage).
  const transpiled = await transpileCached(bytes, o.cacheDir, {
    stage: s.name,
    check: ({ canon }) => {
      if (canon.async) requireJspi(s.name);
    },
  });
  // sandbox: this thread enforces the deadline unless a pool does (it terminates its workers
  // instead); a stage waiting on an async store without JSPI is pooled (placement()).
  const pooled = resolvePool(s.pool) !== undefined || (asyncKv && !suspend);
  const interrupt = s.timeoutMs > 0 && !pooled ? await interruptOf(s, suspend, transpiled) : undefined;
  const component = await sandboxed(transpiled, { fuel: interrupt === 'fuel', maxMemoryBytes: s.maxMemoryBytes });
  const guest = await Guest.create({
    stage: s.name,
    component,
    config: s.config,
    capabilities,
    phases,
    host: o.host,
    binding: o.binding,
    timeoutMs: pooled ? 0 : s.timeoutMs,
    interrupt,
    lift: o.lift,
    now: o.host.clock,
    suspend,
  });
  return { guest, shape, asyncKv };
}

/**
 * How this thread stops the stage's guest past its deadline: the watchdog where it loaded,
 * else fuel; fuel for a guest that suspends (its resumed calls run outside the watchdog's
 * frame) and for one that makes tail calls (V8 does not always check for interrupts on them).
 */
async function interruptOf(s: Stage, suspend: boolean, component: Transpiled): Promise<Interrupt> {
  if (suspend || s.interrupt === 'fuel') return 'fuel';
  if (!watchdog()) {
    if (s.interrupt === 'watchdog') {
      throw new InvalidConfigError(`stage '${s.name}': interrupt 'watchdog' was asked for, but the watchdog did not load: ${watchdogFailure()}`);
    }
    return 'fuel';
  }
  // Its cores are read for tail calls only where the watchdog would be chosen.
  return (await makesTailCalls(component)) ? 'fuel' : 'watchdog';
}

/**
 * Plans segments for a pipeline's guests. The pool module (and piscina) is loaded only
 * once some stage is pooled. `reuse` may hand back an existing pooled segment for the
 * same guests and options (a hot replace keeps the pools it does not touch).
 */
export class Planner {
  #pools: Promise<PoolFactory> | undefined;

  constructor(readonly settings: LoadSettings) {}

  async plan(
    stages: readonly Stage[],
    guests: readonly Guest[],
    asyncKv: readonly boolean[],
    reuse?: (guests: Guest[], options: Required<PoolOptions>) => Segment | undefined,
  ): Promise<{ segments: Segment[]; reasons: Array<PlacementReason | undefined> }> {
    const placed = stages.map((s, i) => placement(s, guests[i], asyncKv[i]));
    const options = placed.map((p) => p.pool);
    let pools: { options: Array<Required<PoolOptions> | undefined>; make: PoolFactory } | undefined;
    if (options.some(Boolean)) {
      this.#pools ??= import('../pool/pool.js').then(({ poolFactory }) => poolFactory({ host: this.settings.host, proxyClock: this.settings.clockGiven }));
      const make = await this.#pools;
      pools = { options, make: (g, o) => reuse?.(g, o) ?? make(g, o) };
    }
    const open = stages.map((s) => s.failurePolicy === 'open');
    return { segments: plan(guests, this.settings.fusion, this.settings.host.call, pools, open), reasons: placed.map((p) => p.reason) };
  }
}
