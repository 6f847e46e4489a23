import type { Guest } from '../component/guest.js';
import { WitlineError } from '../core/errors.js';
import type { RequestContext, WitRequest, WitResponse } from '../core/types.js';
import type { RequestOutcome, Segment } from './segment.js';

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
  /** Requests that went on without this stage. */
  skipped = 0;

  constructor(inner: Segment) {
    this.#inner = inner;
  }

  get mode(): Segment['mode'] {
    return this.#inner.mode;
  }

  get guests(): readonly Guest[] {
    return this.#inner.guests;
  }

  #skip(err: unknown, phase: string): void {
    if (!(err instanceof WitlineError) || !SKIPPABLE.has(err.code)) throw err;
    this.skipped++;
    const guest = this.#inner.guests[0];
    guest?.spec.host.logger.warn(`stage '${guest.spec.stage}' failed in its ${phase} phase and was skipped (failurePolicy 'open')`, {
      code: err.code,
      error: err.message,
    });
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

  close(): Promise<void> {
    return this.#inner.close?.() ?? Promise.resolve();
  }

  /** Forwarded for `describe()`: a pooled segment's settings and counters, its replaced instances. */
  describe(): unknown {
    return (this.#inner as { describe?: () => unknown }).describe?.();
  }

  get replaced(): number[] | undefined {
    return (this.#inner as { replaced?: number[] }).replaced;
  }

  start(): Promise<void> | undefined {
    return (this.#inner as { start?: () => Promise<void> }).start?.();
  }
}
