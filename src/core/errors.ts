/**
 * Every failure witline reports is a `WitlineError` with a stable `code` and the
 * HTTP `statusCode` a client sees for it. Codes never change meaning; match on them,
 * not on messages.
 *
 * @example
 * ```ts
 * try { await p.ready() } catch (err) {
 *   if (err instanceof WitlineError && err.code === 'WITLINE_IMPORT_DENIED') console.error(err.message)
 * }
 * ```
 */
export class WitlineError extends Error {
  readonly code: string;
  readonly statusCode: number;
  /** Headers the error response carries besides its JSON content type (e.g. `Retry-After`). */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  constructor(code: string, statusCode: number, message: string, options?: { cause?: unknown; headers?: ReadonlyArray<readonly [string, string]> }) {
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
    super('WITLINE_INVALID_CONFIG', 500, message, options);
  }
}

/** A component could not be read, parsed, transpiled or instantiated. */
export class ComponentLoadError extends WitlineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('WITLINE_COMPONENT_LOAD', 500, message, options);
  }
}

/** A component imports something the stage was not granted. */
export class ImportDeniedError extends WitlineError {
  readonly imports: readonly string[];
  constructor(stage: string, imports: readonly string[]) {
    super('WITLINE_IMPORT_DENIED', 500, `stage '${stage}' imports what it was not granted: ${imports.join(', ')}`);
    this.imports = imports;
  }
}

/** A component exports neither phase, or not with the witline types. */
export class InvalidComponentError extends WitlineError {
  constructor(message: string) {
    super('WITLINE_INVALID_COMPONENT', 500, message);
  }
}

/** The guest's `configure` returned an error. */
export class GuestConfigError extends WitlineError {
  readonly stage: string;
  constructor(stage: string, reason: string) {
    super('WITLINE_GUEST_CONFIG', 500, `stage '${stage}' rejected its configuration: ${reason}`);
    this.stage = stage;
  }
}

/** The guest trapped; its instance is discarded and replaced. */
export class GuestTrapError extends WitlineError {
  readonly stage: string;
  constructor(stage: string, options?: { cause?: unknown }) {
    const why = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super('WITLINE_GUEST_TRAP', 500, `stage '${stage}' trapped${why}`, options);
    this.stage = stage;
  }
}

/** The guest returned a response or request that cannot go on the wire. */
export class GuestInvalidOutputError extends WitlineError {
  readonly stage: string;
  constructor(stage: string, reason: string) {
    super('WITLINE_GUEST_INVALID_OUTPUT', 502, `stage '${stage}' returned an invalid value: ${reason}`);
    this.stage = stage;
  }
}

/** The request body is larger than `limits.maxBodyBytes`. */
export class BodyTooLargeError extends WitlineError {
  constructor(limit: number) {
    super('WITLINE_BODY_TOO_LARGE', 413, `request body exceeds ${limit} bytes`);
  }
}

/** The request headers are larger than `limits.maxHeaderBytes`. */
export class HeadersTooLargeError extends WitlineError {
  constructor(limit: number) {
    super('WITLINE_HEADERS_TOO_LARGE', 431, `request headers exceed ${limit} bytes`);
  }
}

/** The request URL is longer than `limits.maxUrlLength`. */
export class UrlTooLongError extends WitlineError {
  constructor(limit: number) {
    super('WITLINE_URL_TOO_LONG', 414, `request URL exceeds ${limit} bytes`);
  }
}

/** The request is malformed (bad method, URL or header). */
export class BadRequestError extends WitlineError {
  constructor(message: string) {
    super('WITLINE_BAD_REQUEST', 400, message);
  }
}

/** The terminal handler threw. */
export class HandlerError extends WitlineError {
  constructor(options?: { cause?: unknown }) {
    super('WITLINE_HANDLER_FAILED', 500, 'the request handler failed', options);
  }
}

/** The upstream could not be reached or answered badly. */
export class UpstreamError extends WitlineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('WITLINE_UPSTREAM_FAILED', 502, message, options);
  }
}

/** The upstream did not answer in time. */
export class UpstreamTimeoutError extends WitlineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('WITLINE_UPSTREAM_TIMEOUT', 504, message, options);
  }
}

/** The pipeline was closed. */
export class PipelineClosedError extends WitlineError {
  constructor() {
    super('WITLINE_CLOSED', 503, 'the pipeline is closed');
  }
}

/** A pooled stage ran past its `timeoutMs`: its worker was terminated and replaced. */
export class StageTimeoutError extends WitlineError {
  readonly stages: readonly string[];
  constructor(stages: readonly string[], timeoutMs: number) {
    super('WITLINE_STAGE_TIMEOUT', 503, `${stageList(stages)} did not finish within ${timeoutMs} ms`);
    this.stages = stages;
  }
}

/** A pooled stage's queue is full: the request is refused at once, to be retried later. */
export class PoolBusyError extends WitlineError {
  readonly stages: readonly string[];
  constructor(stages: readonly string[], retryAfterSec: number) {
    super('WITLINE_POOL_BUSY', 503, `${stageList(stages)}: the worker pool is busy`, { headers: [['retry-after', String(retryAfterSec)]] });
    this.stages = stages;
  }
}

/** The worker thread running a pooled stage exited (crashed) while handling the request. */
export class WorkerExitedError extends WitlineError {
  readonly stages: readonly string[];
  constructor(stages: readonly string[], options?: { cause?: unknown }) {
    const why = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super('WITLINE_WORKER_EXITED', 500, `the worker running ${stageList(stages)} exited${why}`, options);
    this.stages = stages;
  }
}

/**
 * The client went away before its answer; the work for it was cancelled. Nobody reads
 * the response: the status (nginx's 499) only tells logs and metrics what happened.
 */
export class ClientAbortedError extends WitlineError {
  constructor() {
    super('WITLINE_CLIENT_ABORTED', 499, 'the client disconnected before the answer');
  }
}

/**
 * An adapter needs the request body, but an earlier middleware (a body parser) already
 * read it from the stream: mount witline before body parsers.
 */
export class BodyConsumedError extends WitlineError {
  constructor() {
    super('WITLINE_BODY_CONSUMED', 500, 'the request body was already read by an earlier middleware: mount witline before body parsers');
  }
}

function stageList(stages: readonly string[]): string {
  return stages.length === 1 ? `stage '${stages[0]}'` : `stages ${stages.map((s) => `'${s}'`).join(', ')}`;
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
    super('WITLINE_STORE_UNAVAILABLE', 503, message, { ...options, headers: [['retry-after', '1']] });
    this.reason = reason;
  }
}

/** A value larger than the store's `maxValueBytes` was refused (nothing was written). */
export class StoreValueTooLargeError extends WitlineError {
  constructor(size: number, limit: number) {
    super('WITLINE_STORE_VALUE_TOO_LARGE', 500, `kv: a value of ${size} bytes exceeds the store's limit of ${limit} bytes`);
  }
}
