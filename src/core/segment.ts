import type { PoolOptions } from './stage.js';
import type { RequestContext, WitRequest, WitResponse } from './types.js';

/**
 * What the pipeline runs: a run of stages executed as one unit (segment/ holds the
 * main-thread kinds, pool/ the pooled one). The type lives here because every layer
 * from the segments up to the pipeline shares it.
 */

/** Per hop or fused on the main thread, or (`'pooled'`) fused on a worker pool. */
export type SegmentMode = 'per-hop' | 'fused' | 'pooled';

/**
 * The request phase either passes a request on (keeping what its response phase will
 * need in `state`) or answers; an answer has already been through the response phase of
 * the segment's own earlier stages.
 */
export type RequestOutcome = { next: WitRequest; state: unknown } | { respond: WitResponse };

/** Counters and settings of a pooled segment, as `Pipeline.describe()` shows them. */
export interface PoolDescription extends Required<PoolOptions> {
  threads: number;
  running: number;
  queued: number;
  completed: number;
  timeouts: number;
  cancelled: number;
  crashed: number;
  busy: number;
}

/** A segment as `Pipeline.describe()` shows it. */
export interface SegmentDescription {
  mode: SegmentMode;
  stages: string[];
  /** A pooled segment's settings and counters. */
  pool?: PoolDescription;
}

export interface Segment {
  readonly mode: SegmentMode;
  /** The names of its stages, in pipeline order. */
  readonly stages: readonly string[];
  request(req: WitRequest, ctx: RequestContext): RequestOutcome | Promise<RequestOutcome>;
  response(state: unknown, resp: WitResponse, ctx: RequestContext): WitResponse | Promise<WitResponse>;
  /** Get ready before the first request (a pool has a worker load the stages); load failures surface here. */
  start?(): Promise<void>;
  /** Release what the segment holds beyond its guests (a pool's threads). */
  close?(): Promise<void>;
  describe(): SegmentDescription;
  /** How many guest instances were dropped after a failed call and replaced, per stage. */
  replaced(): readonly number[];
}
