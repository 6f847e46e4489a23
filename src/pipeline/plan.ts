import type { Guest } from '../component/guest.js';
import { FusedSegment } from './fused.js';
import { HopSegment, type Segment } from './segment.js';

/** `'auto'` fuses adjacent stages that can be; `'off'` calls every stage per hop. */
export type Fusion = 'auto' | 'off';

/**
 * Cut the stages into segments: with fusion on, each maximal run of adjacent stages
 * that run on this thread through the codec becomes one fused segment; anything else
 * (fusion off, a stage on jco's bindings, a lone stage) is a per-hop segment.
 */
export function plan(guests: readonly Guest[], fusion: Fusion): Segment[] {
  const segments: Segment[] = [];
  let run: Guest[] = [];
  const flush = () => {
    if (run.length > 1) segments.push(new FusedSegment(run));
    else if (run.length === 1) segments.push(new HopSegment(run[0]));
    run = [];
  };
  for (const g of guests) {
    if (fusion === 'auto' && g.binding === 'codec') {
      run.push(g);
    } else {
      flush();
      segments.push(new HopSegment(g));
    }
  }
  flush();
  return segments;
}
