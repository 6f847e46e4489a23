import { tracingChannel, type TracingChannel } from 'node:diagnostics_channel';
import { GuestTrapError, WitlineError } from './errors.js';
import type { RequestContext, WitRequest } from './types.js';

/**
 * The hook every guest call goes through when something watches: the `witline.stage`
 * TracingChannel (node:diagnostics_channel, published as undici and Fastify 5 do) and an
 * observer the pipeline installs for OpenTelemetry spans and metrics (pipeline/otel.ts).
 * It lives here, under the segments and guests that call it, so that the call sites need
 * only this file. When nothing watches, a call site pays one check ({@link tracingStages}).
 */

export type StagePhase = 'request' | 'response';

/** How a stage call ended; a failure kind is what `witline.stage.failures` counts. */
export type StageOutcome = 'ok' | 'trap' | 'invalid_output' | 'timeout' | 'error';

/** What `witline.stage` publishes for one guest call (the same object on start, end, error, asyncStart, asyncEnd). */
export interface StageCallMessage {
  stage: string;
  phase: StagePhase;
  /** The request being handled (for a fused segment's stages, the request as it entered the segment). */
  request: { method: string; uri: string };
  /** What the call returned (on end, or on asyncEnd when it was asynchronous). */
  result?: unknown;
  /** The failure, as a {@link WitlineError} (a raw trap is published as a `GuestTrapError` of the stage). */
  error?: unknown;
}

/** `tracing:witline.stage:start` / `:end` / `:asyncStart` / `:asyncEnd` / `:error`. */
export const stageChannel = tracingChannel<StageCallMessage, StageCallMessage>('witline.stage');

/** Watches stage calls of the requests it chose to observe (pipeline/otel.ts). */
export interface StageObserver {
  /** Before a call: what `end` takes, or undefined to leave this call alone. */
  start(call: StageCallMessage, ctx: RequestContext | undefined): unknown;
  end(token: unknown, call: StageCallMessage, outcome: StageOutcome): void;
}

let observer: StageObserver | undefined;
// Requests in flight that the observer watches: stage calls look it up only while this is above 0.
let observed = 0;

export function setStageObserver(o: StageObserver): void {
  observer = o;
}

/** A request the observer watches started (`+1`) or ended (`-1`). */
export function observeRequests(delta: 1 | -1): void {
  observed += delta;
}

/** The one check a call site makes: is anyone watching stage calls now? */
export function tracingStages(): boolean {
  return observed > 0 || stageChannel.hasSubscribers;
}

/** The failure kind of an error a stage call threw. */
export function outcomeOf(err: unknown): StageOutcome {
  if (!(err instanceof WitlineError)) return 'trap';
  switch (err.code) {
    case 'WITLINE_GUEST_TRAP':
    case 'WITLINE_WORKER_EXITED':
      return 'trap';
    case 'WITLINE_GUEST_INVALID_OUTPUT':
      return 'invalid_output';
    case 'WITLINE_STAGE_TIMEOUT':
      return 'timeout';
    default:
      return 'error';
  }
}

/**
 * Run `fn` under a TracingChannel the way `traceSync`/`tracePromise` publish: start, then
 * end once it returns (error before end if it throws); a promise it returns also gets
 * asyncStart/asyncEnd when it settles (error before them if it rejects). A synchronous
 * `fn` stays synchronous. `done(undefined)` or `done(err, true)` runs once it is over.
 */
export function traced<M extends { result?: unknown; error?: unknown }, T>(
  channel: TracingChannel<M, M>,
  msg: M,
  fn: () => T,
  done: (err: unknown, failed: boolean) => void,
  asError: (err: unknown) => unknown = (err) => err,
): T {
  const failed = (err: unknown) => {
    msg.error = asError(err);
    channel.error.publish(msg);
    done(err, true);
  };
  return channel.start.runStores(msg, () => {
    try {
      const out = fn();
      if (!(out instanceof Promise)) {
        msg.result = out;
        done(undefined, false);
        return out;
      }
      return out.then(
        (value: unknown) => {
          msg.result = value;
          done(undefined, false);
          channel.asyncStart.publish(msg);
          channel.asyncEnd.publish(msg);
          return value;
        },
        (err: unknown) => {
          failed(err);
          channel.asyncStart.publish(msg);
          channel.asyncEnd.publish(msg);
          throw err;
        },
      ) as T;
    } catch (err) {
      failed(err);
      throw err;
    } finally {
      channel.end.publish(msg);
    }
  });
}

/** Run one guest call (`fn`) under `witline.stage` and the observer. Only called once {@link tracingStages} said yes. */
export function traceStage<T>(stage: string, phase: StagePhase, request: WitRequest, ctx: RequestContext | undefined, fn: () => T): T {
  const call: StageCallMessage = { stage, phase, request: { method: request.method, uri: request.uri } };
  const token = observed > 0 ? observer?.start(call, ctx) : undefined;
  return traced(
    stageChannel,
    call,
    fn,
    (err, failed) => token !== undefined && observer!.end(token, call, failed ? outcomeOf(err) : 'ok'),
    (err) => (err instanceof WitlineError ? err : new GuestTrapError(stage, { cause: err })),
  );
}
