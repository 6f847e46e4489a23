import { tracingChannel } from 'node:diagnostics_channel';
import { setStageObserver, traced } from '../core/trace.js';
import { WitlineError } from '../core/errors.js';
import type { OutgoingResponse, RequestContext, WitRequest } from '../core/types.js';
import type { PipelineDescription } from './describe.js';
import type { Otel } from './otel.js';

/**
 * Tracing of whole requests: the `witline.request` TracingChannel and, when
 * `@opentelemetry/api` is installed and an SDK registered, a server span and the request
 * metrics (otel.ts). The pipeline makes one check per request ({@link tracingRequests});
 * when it says no, the request runs exactly as untraced.
 */

/** What `witline.request` publishes for one request through the pipeline. */
export interface RequestMessage {
  request: WitRequest;
  context: RequestContext;
  /** The response (on end, or asyncEnd when the request was asynchronous). */
  result?: OutgoingResponse;
  /** The failure the request's error response was made from. */
  error?: unknown;
}

/** `tracing:witline.request:start` / `:end` / `:asyncStart` / `:asyncEnd` / `:error`. */
export const requestChannel = tracingChannel<RequestMessage, RequestMessage>('witline.request');

let otel: Otel | undefined;
let loading: Promise<Otel | undefined> | undefined;

/** Load `@opentelemetry/api` if it is installed (once per process; pipelines call this as they load). */
export function loadTracing(): Promise<Otel | undefined> {
  loading ??= (async () => {
    let api: typeof import('@opentelemetry/api');
    try {
      api = await import('@opentelemetry/api');
    } catch {
      return undefined; // not installed: no spans, no metrics, only the channels
    }
    const { Otel } = await import('./otel.js');
    otel = new Otel(api);
    setStageObserver(otel);
    return otel;
  })();
  return loading;
}

/** Feed a pipeline's counters (instances, pools) to OpenTelemetry's observable instruments; returns the unwatch. */
export function watchPipeline(describe: () => PipelineDescription): () => void {
  return otel?.watch(describe) ?? (() => {});
}

/** The one check per request: is the request channel subscribed, or an OpenTelemetry SDK registered? */
export function tracingRequests(): boolean {
  return requestChannel.hasSubscribers || (otel !== undefined && otel.active());
}

// The failure an error response was made from, for the request's span, metrics and message.
const failures = new WeakMap<object, WitlineError>();

/** Remember the failure behind an error response (called where failures become responses). */
export function noteFailure(resp: object, err: WitlineError): void {
  if (tracingRequests()) failures.set(resp, err);
}

/** Run one request (`fn`) under `witline.request` and, if an SDK is registered, its span and metrics. */
export function traceRequest<T extends OutgoingResponse | Promise<OutgoingResponse>>(req: WitRequest, ctx: RequestContext, fn: () => T): T {
  const obs = otel?.startRequest(req, ctx);
  const msg: RequestMessage = { request: req, context: ctx };
  const run = obs ? () => obs.run(fn) : fn;
  return traced(requestChannel, msg, run, (err) => {
    const resp = msg.result;
    const failure = resp ? failures.get(resp) : undefined;
    if (failure && !err) {
      msg.error = failure;
      requestChannel.error.publish(msg);
    }
    // The pipeline never rejects; should it, the request still ends for its span.
    obs?.end(resp ?? { status: 500, headers: [], body: new Uint8Array() }, failure ?? (err instanceof WitlineError ? err : undefined));
  });
}
