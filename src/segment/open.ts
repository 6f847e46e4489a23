import { WitlineError } from '../core/errors.js';
import type { RequestOutcome, Segment, SegmentDescription } from '../core/segment.js';
import type { Logger } from '../host/log.js';
import type { RequestContext, WitRequest, WitResponse } from '../core/types.js';

/** Failures of the stage itself, which `failurePolicy: 'open'` skips (not load shedding, not a client gone). */
const SKIPPABLE = new Set([
  'WITLINE_GUEST_TRAP',
  'WITLINE_STAGE_TIMEOUT',
  'WITLINE_GUEST_INVALID_OUTPUT',
  'WITLINE_STAGE_UNAVAILABLE',
  'WITLINE_WORKER_EXITED',
]);

const SKIPPED = Symbol('skipped');

/**
 * A stage with `failurePolicy: 'open'`, alone in its segment: when it fails, the request
 * goes on as the stage received it (request phase) or the response as it reached the
 * stage (response phase), logged and counted. The plan never fuses such a stage with
 * others, so "as the stage received it" is always a JS value this segment holds.
 */
export class OpenSegment implements Segment {
  readonly #inner: Segment;
  readonly #logger: Logger;
  /** Requests that went on without this stage. */
  skipped = 0;

  constructor(inner: Segment, logger: Logger) {
    this.#inner = inner;
    this.#logger = logger;
  }

  get mode(): Segment['mode'] {
    return this.#inner.mode;
  }

  get stages(): readonly string[] {
    return this.#inner.stages;
  }

  #skip(err: unknown, phase: string): void {
    if (!(err instanceof WitlineError) || !SKIPPABLE.has(err.code)) throw err;
    this.skipped++;
    this.#logger.warn(`stage '${this.stages[0]}' failed in its ${phase} phase and was skipped (failurePolicy 'open')`, { code: err.code, error: err.message });
  }

  async request(req: WitRequest, ctx: RequestContext): Promise<RequestOutcome> {
    try {
      return await this.#inner.request(req, ctx);
    } catch (err) {
      this.#skip(err, 'request');
      return { next: req, state: SKIPPED };
    }
  }

  async response(state: unknown, resp: WitResponse, ctx: RequestContext): Promise<WitResponse> {
    if (state === SKIPPED) return resp;
    try {
      return await this.#inner.response(state, resp, ctx);
    } catch (err) {
      this.#skip(err, 'response');
      return resp;
    }
  }

  start(): Promise<void> {
    return this.#inner.start?.() ?? Promise.resolve();
  }

  close(): Promise<void> {
    return this.#inner.close?.() ?? Promise.resolve();
  }

  describe(): SegmentDescription {
    return this.#inner.describe();
  }

  replaced(): readonly number[] {
    return this.#inner.replaced();
  }
}
