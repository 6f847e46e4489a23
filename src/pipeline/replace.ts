import type { Guest } from '../component/guest.js';
import type { WorldShape } from '../component/policy.js';
import type { Segment } from '../core/segment.js';
import type { PoolOptions } from '../core/stage.js';
import { loadGuest, type Planner } from './load.js';
import { samePool } from './plan.js';
import type { Stage } from './stage.js';
import type { PlacementReason } from './async-kv.js';
import type { Guard } from '../host/deadline.js';
import { frameGuard } from '../segment/frame.js';

/**
 * The segments requests are routed through, and how many requests entered them. A hot
 * replace installs a new generation in one assignment: a request keeps the segments it
 * entered (the onion holds them), so one that ran its request phase on the old guests
 * runs its response phase on them too; segments the new generation no longer uses are
 * closed once the last request that entered the old one is answered.
 */
export class Generation {
  #inFlight = 0;
  #drained: Array<() => void> = [];

  /** The guard of the request frame its requests run in (segment/frame.ts); undefined: none, each phase guards itself. */
  readonly frame: Guard | undefined;

  constructor(readonly segments: readonly Segment[]) {
    this.frame = frameGuard(segments);
  }

  enter(): void {
    this.#inFlight++;
  }

  leave(): void {
    if (--this.#inFlight === 0) for (const resolve of this.#drained.splice(0)) resolve();
  }

  /** Resolves once no request that entered this generation is still running. */
  drained(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  /** After `old` drained, close its segments that `this` does not keep (a replaced stage's pool). */
  async retire(old: Generation): Promise<void> {
    const gone = old.segments.filter((s) => !this.segments.includes(s));
    if (!gone.some((s) => s.close)) return;
    await old.drained();
    await Promise.all(gone.map((s) => s.close?.()));
  }
}

/** A planner's `reuse`: hand back a pooled segment of `segments` that runs exactly these guests with these options. */
export function reusePooled(segments: readonly Segment[]): (guests: Guest[], options: Required<PoolOptions>) => Segment | undefined {
  return (guests, options) =>
    segments.find((s) => {
      const p = s as Segment & { guests?: readonly Guest[]; options?: Required<PoolOptions> };
      return (
        s.mode === 'pooled' && p.options && samePool(p.options, options) && p.guests?.length === guests.length && p.guests.every((g, i) => g === guests[i])
      );
    });
}

/** What a pipeline serves from: per stage its guest, world shape, async-kv use and placement reason; and the segments. */
export interface Installed {
  stages: readonly Stage[];
  guests: Guest[];
  shapes: WorldShape[];
  asyncKv: boolean[];
  reasons: Array<PlacementReason | undefined>;
  segments: Segment[];
}

/**
 * Everything a replace of stage `i` by `next` does before the swap: load, check,
 * instantiate and configure the new guest, re-plan the segments around it (pools of
 * untouched stages kept) and start the new ones. Rejects, leaving nothing running, if any
 * of it fails; nothing is installed here.
 */
export async function prepareReplacement(
  current: Omit<Installed, 'segments'> & { segments: readonly Segment[] },
  i: number,
  next: Stage,
  planner: Planner,
): Promise<Installed & { fresh: Segment[] }> {
  const loaded = await loadGuest(next, planner.settings);
  const at = <T>(list: readonly T[], value: T) => list.map((v, j) => (j === i ? value : v));
  const stages = at(current.stages, next);
  const guests = at(current.guests, loaded.guest);
  const asyncKv = at(current.asyncKv, loaded.asyncKv);
  const { segments, reasons } = await planner.plan(stages, guests, asyncKv, reusePooled(current.segments));
  const fresh = segments.filter((s) => !current.segments.includes(s));
  try {
    await Promise.all(fresh.map((s) => s.start?.()));
  } catch (err) {
    await Promise.all(fresh.map((s) => s.close?.()));
    throw err;
  }
  return { stages, guests, shapes: at(current.shapes, loaded.shape), asyncKv, reasons, segments, fresh };
}
