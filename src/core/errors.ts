import type { WitResponse } from './types.js';

/**
 * Every code witline raises, once: the HTTP status a client gets for it and what it means.
 * The README's error table lists the same codes (test/error-codes-documented.test.ts
 * checks it). Codes never change meaning; match on them, not on messages.
 */
export const ERROR_CODES = {
  WITLINE_BAD_REQUEST: { status: 400, meaning: "a request Node's parser or witline rejects" },
  WITLINE_NOT_FOUND: { status: 404, meaning: 'the pipeline has no handler or upstream: the default answer' },
  WITLINE_REQUEST_TIMEOUT: { status: 408, meaning: 'the request did not arrive in time (60 s for the whole request)' },
  WITLINE_BODY_TOO_LARGE: { status: 413, meaning: 'the request body is over limits.maxBodyBytes' },
  WITLINE_URL_TOO_LONG: { status: 414, meaning: 'the request target is over limits.maxUrlLength' },
  WITLINE_HEADERS_TOO_LARGE: { status: 431, meaning: 'the request line and headers are over limits.maxHeaderBytes or limits.maxHeaderCount' },
  WITLINE_CLIENT_ABORTED: { status: 499, meaning: 'the client went away before its answer (nothing is sent; for logs)' },
  WITLINE_INTERNAL: { status: 500, meaning: 'a failure witline did not foresee (a bug); its cause is logged, not sent' },
  WITLINE_GUEST_TRAP: { status: 500, meaning: 'a guest trapped; its instance is replaced' },
  WITLINE_HANDLER_FAILED: { status: 500, meaning: 'the handler function threw' },
  WITLINE_WORKER_EXITED: { status: 500, meaning: 'the worker thread running a pooled stage exited mid-request' },
  WITLINE_BODY_CONSUMED: { status: 500, meaning: 'an earlier middleware already read the request body (adapters)' },
  WITLINE_IMPORT_DENIED: { status: 500, meaning: 'a component imports a capability it was not granted (load)' },
  WITLINE_INVALID_COMPONENT: { status: 500, meaning: 'a component exports neither phase, or not with the witline types (load)' },
  WITLINE_GUEST_CONFIG: { status: 500, meaning: "a guest's configure rejected its settings (load)" },
  WITLINE_COMPONENT_LOAD: { status: 500, meaning: 'a component could not be read, transpiled or instantiated (load)' },
  WITLINE_INVALID_CONFIG: { status: 500, meaning: 'bad options to a factory or a pipeline (set-up)' },
  WITLINE_GUEST_INVALID_OUTPUT: { status: 502, meaning: 'a guest, handler or upstream returned a request or response that cannot go on the wire' },
  WITLINE_UPSTREAM_FAILED: { status: 502, meaning: 'the upstream could not be reached or answered badly' },
  WITLINE_CLOSED: { status: 503, meaning: 'the pipeline was closed' },
  WITLINE_STAGE_TIMEOUT: { status: 503, meaning: 'a stage ran past its timeoutMs; its instance (or, pooled, its worker) was replaced' },
  WITLINE_STAGE_UNAVAILABLE: {
    status: 503,
    meaning: "a stage's replacement keeps failing to instantiate; refused at once until the next attempt, with Retry-After",
  },
  WITLINE_POOL_BUSY: { status: 503, meaning: "a pooled stage's queue was full; sent at once, with Retry-After" },
  WITLINE_STORE_UNAVAILABLE: { status: 503, meaning: 'the shared kv store did not answer: offline, past its deadline, or it failed' },
  WITLINE_STORE_VALUE_TOO_LARGE: { status: 500, meaning: "a kv value over the store's maxValueBytes was refused" },
  WITLINE_UPSTREAM_TIMEOUT: { status: 504, meaning: 'the upstream did not answer in time' },
} as const satisfies Record<string, { status: number; meaning: string }>;

/** A code witline raises (a key of {@link ERROR_CODES}). */
export type WitlineErrorCode = keyof typeof ERROR_CODES;

const status = (code: WitlineErrorCode): number => ERROR_CODES[code].status;

/**
 * Every failure witline reports is a `WitlineError` with a stable `code` and the
 * HTTP `statusCode` a client sees for it (see {@link ERROR_CODES}).
 *
 * @example
 * ```ts
 * try { await p.ready() } catch (err) {
 *   if (err instanceof WitlineError && err.code === 'WITLINE_IMPORT_DENIED') console.error(err.message)
 * }
 * ```
 */
export class WitlineError extends Error {
  readonly code: WitlineErrorCode;
  readonly statusCode: number;
  /** Headers the error response carries besides its JSON content type (e.g. `Retry-After`). */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  constructor(code: WitlineErrorCode, statusCode: number, message: string, options?: { cause?: unknown; headers?: ReadonlyArray<readonly [string, string]> }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.statusCode = statusCode;
    this.headers = options?.headers ?? [];
  }
}

/** Bad settings for a stage or a pipeline (thrown at set-up, never per request). */
export class InvalidConfigError extends WitlineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('WITLINE_INVALID_CONFIG', status('WITLINE_INVALID_CONFIG'), message, options);
  }
}

/** A component could not be read, parsed, transpiled or instantiated. */
export class ComponentLoadError extends WitlineError {
  /** The WebAssembly feature the runtime lacks, when that is why (e.g. 'extended-const', 'JSPI'). */
  readonly feature?: string;
  constructor(message: string, options?: { cause?: unknown; feature?: string }) {
    super('WITLINE_COMPONENT_LOAD', status('WITLINE_COMPONENT_LOAD'), message, options);
    if (options?.feature) this.feature = options.feature;
  }
}

/** A component imports something the stage was not granted. */
export class ImportDeniedError extends WitlineError {
  readonly imports: readonly string[];
  constructor(stage: string, imports: readonly string[]) {
    super('WITLINE_IMPORT_DENIED', status('WITLINE_IMPORT_DENIED'), `stage '${stage}' imports what it was not granted: ${imports.join(', ')}`);
    this.imports = imports;
  }
}

/** A component exports neither phase, or not with the witline types. */
export class InvalidComponentError extends WitlineError {
  constructor(message: string) {
    super('WITLINE_INVALID_COMPONENT', status('WITLINE_INVALID_COMPONENT'), message);
  }
}

/** The guest's `configure` returned an error. */
export class GuestConfigError extends WitlineError {
  readonly stage: string;
  constructor(stage: string, reason: string) {
    super('WITLINE_GUEST_CONFIG', status('WITLINE_GUEST_CONFIG'), `stage '${stage}' rejected its configuration: ${reason}`);
    this.stage = stage;
  }
}

/** The guest trapped; its instance is discarded and replaced. */
export class GuestTrapError extends WitlineError {
  readonly stage: string;
  constructor(stage: string, options?: { cause?: unknown }) {
    const why = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super('WITLINE_GUEST_TRAP', status('WITLINE_GUEST_TRAP'), `stage '${stage}' trapped${why}`, options);
    this.stage = stage;
  }
}

/** The guest returned a response or request that cannot go on the wire. */
export class GuestInvalidOutputError extends WitlineError {
  readonly stage: string;
  constructor(stage: string, reason: string) {
    super('WITLINE_GUEST_INVALID_OUTPUT', status('WITLINE_GUEST_INVALID_OUTPUT'), `stage '${stage}' returned an invalid value: ${reason}`);
    this.stage = stage;
  }
}

/** The request body is larger than `limits.maxBodyBytes`. */
export class BodyTooLargeError extends WitlineError {
  constructor(limit: number) {
    super('WITLINE_BODY_TOO_LARGE', status('WITLINE_BODY_TOO_LARGE'), `request body exceeds ${limit} bytes`);
  }
}

/** The request headers are larger than `limits.maxHeaderBytes`. */
export class HeadersTooLargeError extends WitlineError {
  constructor(limit: number) {
    super('WITLINE_HEADERS_TOO_LARGE', status('WITLINE_HEADERS_TOO_LARGE'), `request headers exceed ${limit} bytes`);
  }
}

/** The request URL is longer than `limits.maxUrlLength`. */
export class UrlTooLongError extends WitlineError {
  constructor(limit: number) {
    super('WITLINE_URL_TOO_LONG', status('WITLINE_URL_TOO_LONG'), `request URL exceeds ${limit} bytes`);
  }
}

/** The request is malformed (bad method, URL or header). */
export class BadRequestError extends WitlineError {
  constructor(message: string) {
    super('WITLINE_BAD_REQUEST', status('WITLINE_BAD_REQUEST'), message);
  }
}

/** No handler or upstream: the answer of a pipeline built without one. */
export class NotFoundError extends WitlineError {
  constructor() {
    super('WITLINE_NOT_FOUND', status('WITLINE_NOT_FOUND'), 'the pipeline has no handler for this request');
  }
}

/** The request did not arrive within the server's request timeout. */
export class RequestTimeoutError extends WitlineError {
  constructor() {
    super('WITLINE_REQUEST_TIMEOUT', status('WITLINE_REQUEST_TIMEOUT'), 'request not received in time');
  }
}

/** Something failed that witline did not foresee (a bug): the client gets no detail, the log gets the cause. */
export class InternalError extends WitlineError {
  constructor(options?: { cause?: unknown }) {
    super('WITLINE_INTERNAL', status('WITLINE_INTERNAL'), 'internal error', options);
  }
}

/** The terminal handler threw. */
export class HandlerError extends WitlineError {
  constructor(options?: { cause?: unknown }) {
    super('WITLINE_HANDLER_FAILED', status('WITLINE_HANDLER_FAILED'), 'the request handler failed', options);
  }
}

/** The upstream could not be reached or answered badly. */
export class UpstreamError extends WitlineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('WITLINE_UPSTREAM_FAILED', status('WITLINE_UPSTREAM_FAILED'), message, options);
  }
}

/** The upstream did not answer in time. */
export class UpstreamTimeoutError extends WitlineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('WITLINE_UPSTREAM_TIMEOUT', status('WITLINE_UPSTREAM_TIMEOUT'), message, options);
  }
}

/** The pipeline was closed. */
export class PipelineClosedError extends WitlineError {
  constructor() {
    super('WITLINE_CLOSED', status('WITLINE_CLOSED'), 'the pipeline is closed');
  }
}

/**
 * A stage's instance failed and its replacement keeps failing to instantiate: retried with
 * exponential backoff (1 s, doubling, up to 10 s), and until the next attempt its requests
 * are refused at once, with `Retry-After`.
 */
export class StageUnavailableError extends WitlineError {
  readonly stage: string;
  constructor(stage: string, retryInMs: number, options?: { cause?: unknown }) {
    const why = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super('WITLINE_STAGE_UNAVAILABLE', status('WITLINE_STAGE_UNAVAILABLE'), `stage '${stage}' could not be re-instantiated${why}`, {
      ...options,
      headers: [['retry-after', String(Math.max(1, Math.ceil(retryInMs / 1000)))]],
    });
    this.stage = stage;
  }
}

/** A stage ran past its `timeoutMs`: interrupted (main thread) or its worker terminated (pool), and replaced. */
export class StageTimeoutError extends WitlineError {
  readonly stages: readonly string[];
  constructor(stages: readonly string[], timeoutMs: number) {
    super('WITLINE_STAGE_TIMEOUT', status('WITLINE_STAGE_TIMEOUT'), `${stageList(stages)} did not finish within ${timeoutMs} ms`);
    this.stages = stages;
  }
}

/** A pooled stage's queue is full: the request is refused at once, to be retried later. */
export class PoolBusyError extends WitlineError {
  readonly stages: readonly string[];
  constructor(stages: readonly string[], retryAfterSec: number) {
    super('WITLINE_POOL_BUSY', status('WITLINE_POOL_BUSY'), `${stageList(stages)}: the worker pool is busy`, {
      headers: [['retry-after', String(retryAfterSec)]],
    });
    this.stages = stages;
  }
}

/** The worker thread running a pooled stage exited (crashed) while handling the request. */
export class WorkerExitedError extends WitlineError {
  readonly stages: readonly string[];
  constructor(stages: readonly string[], options?: { cause?: unknown }) {
    const why = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super('WITLINE_WORKER_EXITED', status('WITLINE_WORKER_EXITED'), `the worker running ${stageList(stages)} exited${why}`, options);
    this.stages = stages;
  }
}

/**
 * The client went away before its answer; the work for it was cancelled. Nobody reads
 * the response: the status (nginx's 499) only tells logs and metrics what happened.
 */
export class ClientAbortedError extends WitlineError {
  constructor() {
    super('WITLINE_CLIENT_ABORTED', status('WITLINE_CLIENT_ABORTED'), 'the client disconnected before the answer');
  }
}

/**
 * An adapter needs the request body, but an earlier middleware (a body parser) already
 * read it from the stream: mount witline before body parsers.
 */
export class BodyConsumedError extends WitlineError {
  constructor() {
    super(
      'WITLINE_BODY_CONSUMED',
      status('WITLINE_BODY_CONSUMED'),
      'the request body was already read by an earlier middleware: mount witline before body parsers',
    );
  }
}

/**
 * The response a failure gets: its status, its headers, and a JSON body naming its code.
 * Every error answers in this shape, the default 404 too.
 */
export function errorResponseOf(e: WitlineError): WitResponse {
  const body = new TextEncoder().encode(JSON.stringify({ error: e.code, message: e.message }));
  return { status: e.statusCode, headers: [['content-type', 'application/json'], ...e.headers.map(([k, v]): [string, string] => [k, v])], body };
}

/**
 * The shared key-value store did not answer: its connection is down (operations fail at
 * once rather than queue), the operation ran past the store's deadline, or the store
 * replied with an error. Nothing was promised about the operation's effect: a timed-out
 * write may or may not have happened.
 */
export class StoreUnavailableError extends WitlineError {
  /** `'offline'`: not connected; `'timeout'`: past the deadline; `'error'`: the store or its client failed. */
  readonly reason: 'offline' | 'timeout' | 'error';
  constructor(reason: 'offline' | 'timeout' | 'error', message: string, options?: { cause?: unknown }) {
    super('WITLINE_STORE_UNAVAILABLE', status('WITLINE_STORE_UNAVAILABLE'), message, { ...options, headers: [['retry-after', '1']] });
    this.reason = reason;
  }
}

/** A value larger than the store's `maxValueBytes` was refused (nothing was written). */
export class StoreValueTooLargeError extends WitlineError {
  constructor(size: number, limit: number) {
    super('WITLINE_STORE_VALUE_TOO_LARGE', status('WITLINE_STORE_VALUE_TOO_LARGE'), `kv: a value of ${size} bytes exceeds the store's limit of ${limit} bytes`);
  }
}

/** An error as plain data, to cross a thread (structured-clonable); {@link rebuildError} reads it. */
export interface SerializedError {
  code: WitlineErrorCode;
  statusCode: number;
  message: string;
  /** The cause's message, when there was a cause. */
  cause?: string;
  headers: Array<[string, string]>;
  stage?: string;
  stages?: string[];
  imports?: string[];
}

/** The class raising each code, for {@link rebuildError} (its type makes it complete). */
const CLASSES: { readonly [C in WitlineErrorCode]: abstract new (...args: never[]) => WitlineError } = {
  WITLINE_BAD_REQUEST: BadRequestError,
  WITLINE_NOT_FOUND: NotFoundError,
  WITLINE_REQUEST_TIMEOUT: RequestTimeoutError,
  WITLINE_BODY_TOO_LARGE: BodyTooLargeError,
  WITLINE_URL_TOO_LONG: UrlTooLongError,
  WITLINE_HEADERS_TOO_LARGE: HeadersTooLargeError,
  WITLINE_CLIENT_ABORTED: ClientAbortedError,
  WITLINE_INTERNAL: InternalError,
  WITLINE_GUEST_TRAP: GuestTrapError,
  WITLINE_HANDLER_FAILED: HandlerError,
  WITLINE_WORKER_EXITED: WorkerExitedError,
  WITLINE_BODY_CONSUMED: BodyConsumedError,
  WITLINE_IMPORT_DENIED: ImportDeniedError,
  WITLINE_INVALID_COMPONENT: InvalidComponentError,
  WITLINE_GUEST_CONFIG: GuestConfigError,
  WITLINE_COMPONENT_LOAD: ComponentLoadError,
  WITLINE_INVALID_CONFIG: InvalidConfigError,
  WITLINE_GUEST_INVALID_OUTPUT: GuestInvalidOutputError,
  WITLINE_UPSTREAM_FAILED: UpstreamError,
  WITLINE_CLOSED: PipelineClosedError,
  WITLINE_STAGE_TIMEOUT: StageTimeoutError,
  WITLINE_STAGE_UNAVAILABLE: StageUnavailableError,
  WITLINE_POOL_BUSY: PoolBusyError,
  WITLINE_STORE_UNAVAILABLE: StoreUnavailableError,
  WITLINE_STORE_VALUE_TOO_LARGE: StoreValueTooLargeError,
  WITLINE_UPSTREAM_TIMEOUT: UpstreamTimeoutError,
};

/** Any failure as plain data; one that is no `WitlineError` becomes an {@link InternalError}. */
export function serializeError(err: unknown): SerializedError {
  const e = err instanceof WitlineError ? err : new InternalError({ cause: err });
  const { stage, stages, imports } = e as { stage?: string; stages?: readonly string[]; imports?: readonly string[] };
  const cause = e.cause instanceof Error ? e.cause.message : e.cause === undefined ? undefined : String(e.cause);
  const headers = e.headers.map(([k, v]): [string, string] => [k, v]);
  return { code: e.code, statusCode: e.statusCode, message: e.message, cause, headers, stage, stages: stages && [...stages], imports: imports && [...imports] };
}

/**
 * The error a {@link SerializedError} stands for, as the class that raised it, with its
 * message, headers, `stage`/`stages`/`imports`, and its cause as an `Error`. A subclass's
 * constructor derives the message from other arguments, so the base constructor runs with
 * the subclass as `new.target`: prototype, `instanceof` and `name` are the subclass's.
 */
export function rebuildError(s: SerializedError): WitlineError {
  const options = { headers: s.headers, ...(s.cause === undefined ? {} : { cause: new Error(s.cause) }) };
  const e: WitlineError = Reflect.construct(WitlineError, [s.code, s.statusCode, s.message, options], CLASSES[s.code] ?? WitlineError);
  for (const [k, v] of Object.entries({ stage: s.stage, stages: s.stages, imports: s.imports })) if (v !== undefined) Object.assign(e, { [k]: v });
  return e;
}

function stageList(stages: readonly string[]): string {
  return stages.length === 1 ? `stage '${stages[0]}'` : `stages ${stages.map((s) => `'${s}'`).join(', ')}`;
}
