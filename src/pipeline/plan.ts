import type { Guest } from '../component/guest.js';
import type { CallContext } from '../host/call-context.js';
import type { Segment } from '../core/segment.js';
import type { PoolOptions } from '../core/stage.js';
import type { PoolFactory } from '../pool/pool.js';
import { FusedSegment } from '../segment/fused.js';
import { HopSegment } from '../segment/hop.js';
import { OpenSegment } from '../segment/open.js';

/** `'auto'` fuses adjacent stages that can be; `'off'` calls every stage per hop. */
export type Fusion = 'auto' | 'off';

function samePool(a: Required<PoolOptions>, b: Required<PoolOptions>): boolean {
  return a.minThreads === b.minThreads && a.maxThreads === b.maxThreads && a.maxQueue === b.maxQueue && a.timeoutMs === b.timeoutMs;
}

/**
 * Cut the stages into segments: with fusion on, each maximal run of adjacent stages
 * that run on this thread through the codec becomes one fused segment; anything else
 * (fusion off, a stage on jco's bindings, a lone stage) is a per-hop segment. Pooled
 * stages (`pools.options[i]` set) form pooled segments: adjacent ones with the same pool
 * options share one (with fusion off, each stage gets its own).
 */
export function plan(
  guests: readonly Guest[],
  fusion: Fusion,
  call: CallContext,
  pools?: { options: ReadonlyArray<Required<PoolOptions> | undefined>; make: PoolFactory },
  open?: readonly boolean[],
): Segment[] {
  const segments: Segment[] = [];
  let run: Guest[] = [];
  let pooled: { guests: Guest[]; options: Required<PoolOptions> } | undefined;
  const flush = () => {
    if (run.length > 1) segments.push(new FusedSegment(run, call));
    else if (run.length === 1) segments.push(new HopSegment(run[0]));
    run = [];
    if (pooled) segments.push(pools!.make(pooled.guests, pooled.options));
    pooled = undefined;
  };
  guests.forEach((g, i) => {
    const options = pools?.options[i];
    // sandbox: a stage with failurePolicy 'open' is alone in its segment, so that skipping it is skipping only it.
    if (open?.[i]) {
      flush();
      segments.push(new OpenSegment(options ? pools!.make([g], options) : new HopSegment(g), g.spec.host.logger));
      return;
    }
    if (options) {
      if (pooled && fusion === 'auto' && samePool(pooled.options, options)) {
        pooled.guests.push(g);
        return;
      }
      flush();
      pooled = { guests: [g], options };
    } else if (fusion === 'auto' && g.binding === 'codec') {
      if (pooled) flush();
      run.push(g);
    } else {
      flush();
      segments.push(new HopSegment(g));
    }
  });
  flush();
  return segments;
}
