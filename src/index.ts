export { pipeline, Pipeline, type PipelineOptions, type PipelineDescription } from './pipeline/pipeline.js';
export { stage, type FailurePolicy, type Stage, type StageOptions, type StageConfig } from './pipeline/stage.js';
export type { Interrupt } from './core/stage.js';
export type { ComponentSource, PoolOptions } from './core/stage.js';
export type { PoolDescription } from './core/segment.js';
export type { UpstreamOptions } from './pipeline/terminal.js';
export type { TrustProxy } from './pipeline/forwarded.js';
export type { Terminal } from './pipeline/run.js';
export type { Fusion } from './pipeline/plan.js';
export type { StageCallMessage, StageOutcome, StagePhase } from './core/trace.js';
export type { RequestMessage } from './pipeline/trace.js';
export type { InjectRequest, InjectResponse } from './http/inject.js';
export type { ListenOptions } from './http/listen-options.js';
export type { Limits } from './core/limits.js';
export { KvLimitError, MemoryStore, type KvStore, type MemoryStoreOptions } from './host/kv.js';
export type { Logger, LogLevel } from './host/log.js';
export type { Capability } from './core/wit-names.mjs';
export type { Handler, HandlerResponse, HeaderList, HeadersInit, RequestContext, WitAction, WitRequest, WitResponse } from './core/types.js';
export {
  ERROR_CODES,
  type WitlineErrorCode,
  WitlineError,
  InvalidConfigError,
  ComponentLoadError,
  ImportDeniedError,
  InvalidComponentError,
  GuestConfigError,
  GuestTrapError,
  GuestInvalidOutputError,
  BodyTooLargeError,
  HeadersTooLargeError,
  UrlTooLongError,
  BadRequestError,
  HandlerError,
  UpstreamError,
  UpstreamTimeoutError,
  PipelineClosedError,
  StageTimeoutError,
  StageUnavailableError,
  PoolBusyError,
  WorkerExitedError,
  ClientAbortedError,
  BodyConsumedError,
  StoreUnavailableError,
  StoreValueTooLargeError,
  NotFoundError,
  RequestTimeoutError,
  InternalError,
} from './core/errors.js';
