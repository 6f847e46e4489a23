import type { Binding, Guest } from '../component/guest.js';
import type { WorldShape } from '../component/policy.js';
import type { Segment, SegmentDescription, SegmentMode } from '../core/segment.js';
import { WITLINE_CAPABILITIES } from '../core/wit-names.mjs';
import type { Fusion } from './plan.js';
import type { PlacementReason } from './async-kv.js';
import type { HostServices } from '../host/imports.js';
import type { KvStoreStats } from '../host/async-kv.js';
import { resolvePool, type Stage } from './stage.js';
import { OpenSegment } from '../segment/open.js';

/** How a pipeline was planned and loaded, from {@link Pipeline.describe}. */
export interface PipelineDescription {
  fusion: Fusion;
  terminal: string;
  /**
   * The plan: each segment runs its stages per hop or fused on the main thread, or
   * (`'pooled'`) fused on a worker pool, whose settings and counters `pool` shows.
   */
  segments: SegmentDescription[];
  /** An asynchronous `kv` store's counters (`stats()`), when the pipeline has one. */
  store?: KvStoreStats;
  stages: Array<{
    name: string;
    /** How this stage runs: per hop (codec or jco bindings), inside a fused segment, or on a pool. */
    mode: SegmentMode;
    /** Which thread runs it: the main thread, or a worker of its pool. */
    placement: 'main' | 'pool';
    /**
     * Why, when it is not the default: its own `pool` option, or (asynchronous `kv` store)
     * suspended in-thread (`'async-kv-jspi'`), or pooled because the runtime has no JSPI
     * (`'async-kv-without-jspi'`) or its guest's kv calls go through jco's glue (`'async-kv-jco-instantiation'`).
     */
    placementReason?: PlacementReason;
    /** Whether its guest may suspend in a kv call (JSPI): it then is a per-hop segment of its own. */
    suspends: boolean;
    /** Its kv operations the asynchronous store failed (`WITLINE_STORE_UNAVAILABLE`); 0 with a synchronous store. */
    storeFailures: number;
    binding: Binding;
    /** Why the stage runs on jco's bindings, when it does (asked for, or what the codec cannot serve). */
    bindingReason?: string;
    /**
     * What stops a call past the stage's `timeoutMs`: this thread's watchdog, fuel, the pool
     * (which terminates the worker), or nothing (`timeoutMs: 0`). Before loading, as asked for.
     */
    interrupt: 'watchdog' | 'fuel' | 'pool' | 'none';
    /** 'direct': one core module instantiated with witline's own imports; 'jco': jco's instantiate. */
    instantiation: 'direct' | 'jco';
    phases: Array<'request' | 'response'>;
    capabilities: string[];
    imports: string[];
    cache: 'hit' | 'miss' | 'loading';
    transpileMs: number;
    compileMs: number;
    replacedInstances: number;
    /** Calls of this stage that failed (trap, timeout, invalid output, or refused while it could not be re-instantiated); in workers, its replaced instances. */
    failures: number;
    /** Requests that went on without this stage after it failed (`failurePolicy: 'open'`). */
    skipped: number;
  }>;
}

/** What {@link describePipeline} reads; before loading, `guests` and `segments` are empty. */
export interface PipelineState {
  fusion: Fusion;
  terminal: string;
  binding: Binding;
  stages: readonly Stage[];
  guests: readonly Guest[];
  /** What each stage's component imports and exports, read from its binary at load. */
  shapes: readonly (WorldShape | undefined)[];
  segments: readonly Segment[];
  /** Per stage, why it runs where it does (after loading). */
  reasons?: ReadonlyArray<PlacementReason | undefined>;
  host?: HostServices;
}

/**
 * Assemble the description: each segment describes itself and counts its stages'
 * replaced instances (a pooled one counts those in its workers); each stage adds what
 * its guest and component say.
 */
export function describePipeline(p: PipelineState): PipelineDescription {
  // Segments cover the stages in order: stage i is stage `at` of segment `seg`.
  const where: Array<{ seg: Segment; at: number }> = [];
  for (const seg of p.segments) seg.stages.forEach((_, at) => where.push({ seg, at }));
  return {
    fusion: p.fusion,
    terminal: p.terminal,
    segments: p.segments.map((seg) => seg.describe()),
    ...(p.host?.asyncKv?.stats && { store: p.host.asyncKv.stats() }),
    stages: p.stages.map((s, i) => {
      const g = p.guests[i];
      const c = g?.spec.component;
      const seg = where[i]?.seg;
      // Before loading, the stage's options tell where it will run.
      const pooled = seg ? seg.mode === 'pooled' : resolvePool(s.pool) !== undefined;
      return {
        name: s.name,
        mode: seg?.mode ?? (pooled ? 'pooled' : 'per-hop'),
        placement: pooled ? 'pool' : 'main',
        ...(p.reasons?.[i] && { placementReason: p.reasons[i] }),
        suspends: g?.suspending !== undefined,
        storeFailures: p.host?.storeFailures?.of(s.name) ?? 0,
        binding: g?.binding ?? p.binding,
        ...(g?.bindingReason !== undefined && { bindingReason: g.bindingReason }),
        instantiation: g?.instantiation ?? 'jco',
        interrupt: s.timeoutMs === 0 ? 'none' : pooled ? 'pool' : (g?.spec.interrupt ?? s.interrupt ?? 'watchdog'),
        phases: g ? (['request', 'response'] as const).filter((ph) => g.spec.phases[ph]) : [],
        capabilities: [...(s.capabilities ?? WITLINE_CAPABILITIES)],
        imports: p.shapes[i]?.imports ?? [],
        cache: c ? (c.transpiled ? 'miss' : 'hit') : 'loading',
        transpileMs: c?.transpileMs ?? 0,
        compileMs: c?.compileMs ?? 0,
        replacedInstances: seg ? seg.replaced()[where[i].at] : 0,
        failures: seg?.mode === 'pooled' ? seg.replaced()[where[i].at] : (g?.failures ?? 0),
        skipped: seg instanceof OpenSegment ? seg.skipped : 0,
      };
    }),
  };
}
