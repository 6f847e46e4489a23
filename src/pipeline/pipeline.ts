import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Segment } from '../core/segment.js';
import type { HostServices } from '../host/imports.js';
import { errorResponseOf, InternalError, InvalidConfigError, PipelineClosedError, WitlineError } from '../core/errors.js';
import { clientErrorListener, createEdge, edgeListener, type Handles, type ListenOptions } from '../http/server.js';
import { injectedRequest, injectResponse, type InjectRequest, type InjectResponse } from '../http/inject.js';
import type { Limits } from '../core/limits.js';
import { isPromise, type MaybePromise, type OutgoingResponse, type RequestContext, type WitRequest, type WitResponse } from '../core/types.js';
import { runOnion, type Terminal } from './run.js';
import { inFrame } from '../segment/frame.js';
import { shieldedFunction, unguarded } from '../host/deadline.js';
import type { Fusion } from './plan.js';
import type { Binding } from '../component/guest.js';
import type { Stage } from './stage.js';
import { Planner } from './load.js';
import type { Generation } from './replace.js';
import { StageChain } from './chain.js';
import { noteFailure, traceRequest, tracingRequests } from './trace.js';
import { terminal, type TerminalHandle } from './terminal.js';
import { resolveOptions, type PipelineOptions } from './options.js';
import { describePipeline, type PipelineDescription } from './describe.js';
import { kErrorResponse, kHandle, kHasResponsePhase, kSegments } from './internal.js';

export type { PipelineDescription } from './describe.js';
export type { PipelineOptions } from './options.js';

/**
 * A chain of WebAssembly middleware in front of a handler.
 *
 * @example
 * ```ts
 * const p = pipeline([auth({ secret }), rateLimit({ burst: 20, perSecond: 10 })], { handler: 'http://127.0.0.1:3000' })
 * const res = await p.inject({ url: '/health' })
 * await p.listen({ port: 8080 })
 * ```
 */
export class Pipeline {
  readonly limits: Limits;
  readonly #host: HostServices;
  readonly #terminal: TerminalHandle;
  readonly #servers = new Set<Server>();
  readonly #chain: StageChain;
  readonly #fusion: Fusion;
  readonly #binding: Binding;
  #closed = false;

  constructor(stages: readonly Stage[], options: PipelineOptions = {}) {
    for (const [i, s] of stages.entries()) {
      if (s?.kind !== 'witline.stage') throw new InvalidConfigError(`stages[${i}] is not a stage (use stage() or a middleware factory)`);
    }
    const { limits, host, settings } = resolveOptions(options);
    this.limits = limits;
    this.#host = host;
    this.#fusion = settings.fusion;
    this.#binding = settings.binding;
    this.#terminal = terminal(options.handler, options.upstream, limits);
    const planner = new Planner(settings);
    this.#chain = new StageChain(stages, planner, this.#host.logger);
  }

  /** The stages, in order (a {@link replace} changes the one it replaced). */
  get stages(): readonly Stage[] {
    return this.#chain.stages;
  }

  /** Load, transpile (or find in the cache), instantiate and configure every stage. Idempotent. */
  ready(): Promise<void> {
    return this.#chain.ready(() => this.describe());
  }

  /**
   * Replace the stage named `name` with `next` while serving. The new component is loaded,
   * checked, instantiated and configured first; only then is it swapped in, in one step:
   * requests in flight finish on the old instances (one that ran its request phase on the
   * old stage runs its response phase there too), later ones use the new stage, and none
   * fails. If `next` cannot load, nothing changes and the call rejects with the load error.
   * A replaced pooled stage's old pool is closed once the requests that used it are answered.
   *
   * @example
   * ```ts
   * await p.replace('rate-limit', rateLimit({ burst: 50, perSecond: 20 }))
   * ```
   */
  replace(name: string, next: Stage): Promise<void> {
    return this.#chain.replace(
      name,
      next,
      () => this.ready(),
      () => this.#closed,
    );
  }

  /** Run one request through the chain, with no socket and no limits. Never rejects: failures become error responses. */
  async handle(req: WitRequest, ctx: RequestContext): Promise<WitResponse> {
    return this[kHandle](req, ctx);
  }

  /**
   * @internal `handle`, with `terminal` in place of the pipeline's handler for this request
   * (adapters hand the request to the host framework's own handlers; `listen()` lets an
   * upstream body stream through). Synchronous once loaded, for as long as nothing on the
   * request's way awaits (see runOnion); never throws or rejects.
   */
  [kHandle](req: WitRequest, ctx: RequestContext, terminal: Terminal = this.#terminal.call): MaybePromise<OutgoingResponse> {
    // One check per request: traced only while `witline.request` is subscribed or an OpenTelemetry SDK is registered.
    if (tracingRequests()) return traceRequest(req, ctx, () => this.#handle(req, ctx, terminal));
    return this.#handle(req, ctx, terminal);
  }

  #handle(req: WitRequest, ctx: RequestContext, terminal: Terminal): MaybePromise<OutgoingResponse> {
    let gen: Generation | undefined;
    try {
      if (this.#closed) throw new PipelineClosedError();
      if (!this.#chain.loaded)
        return this.ready().then(
          () => this.#handle(req, ctx, terminal),
          (err) => this[kErrorResponse](err),
        );
      // The request keeps this generation's segments to its end, whatever a replace installs meanwhile.
      gen = this.#chain.generation;
      gen.enter();
      // All fused: the whole synchronous course in one frame; under the watchdog, the handler shielded (segment/frame.ts).
      const frame = gen.frame;
      const out = frame
        ? inFrame(frame, this.#host.call, runOnion, gen.segments, frame === unguarded ? terminal : this.#shielded(terminal), req, ctx)
        : runOnion(gen.segments, terminal, req, ctx);
      if (!isPromise(out)) return out;
      const entered = gen;
      gen = undefined; // it leaves once the promise settles
      return out.then(
        (resp) => {
          entered.leave();
          return resp;
        },
        (err) => {
          entered.leave();
          return this[kErrorResponse](err);
        },
      );
    } catch (err) {
      return this[kErrorResponse](err);
    } finally {
      gen?.leave();
    }
  }

  // The last terminal shielded, and its shield: the same terminal request after request (the handler, listen()'s).
  #terminalSeen: Terminal | undefined;
  #terminalShielded: Terminal | undefined;

  /** `terminal` as a host call, which the watchdog never stops halfway (user code). */
  #shielded(terminal: Terminal): Terminal {
    if (terminal !== this.#terminalSeen) {
      this.#terminalShielded = shieldedFunction('handler', terminal);
      this.#terminalSeen = terminal;
    }
    return this.#terminalShielded!;
  }

  /** @internal The response a failure gets: its status, and a JSON body naming its stable code. */
  [kErrorResponse](err: unknown): WitResponse {
    const e = err instanceof WitlineError ? err : new InternalError({ cause: err });
    if (e.statusCode >= 500) {
      const cause = e.cause instanceof Error ? e.cause.message : e.cause === undefined ? undefined : String(e.cause);
      this.#host.logger.error(e.message, { code: e.code, cause });
    }
    const resp = errorResponseOf(e);
    noteFailure(resp, e);
    return resp;
  }

  /**
   * Run a request in-process, with no socket, under the same limits as the server.
   *
   * @example
   * ```ts
   * const res = await p.inject({ method: 'POST', url: '/items', headers: { authorization: `Bearer ${token}` }, body: '{}' })
   * expect(res.status).toBe(201)
   * ```
   */
  async inject(request: InjectRequest = {}): Promise<InjectResponse> {
    let resp: WitResponse;
    try {
      const { req, ctx } = injectedRequest(request, this.limits);
      resp = await this.handle(req, ctx);
    } catch (err) {
      resp = this[kErrorResponse](err);
    }
    return injectResponse(resp);
  }

  /**
   * Serve on node:http; resolves to the listening server once every stage is loaded.
   *
   * @example
   * ```ts
   * const server = await p.listen({ port: 0 })
   * console.log(server.address())
   * ```
   */
  async listen(options: ListenOptions = {}): Promise<Server> {
    await this.ready();
    const server = createEdge(this.#edge(), this.limits, options);
    this.#servers.add(server);
    server.on('close', () => this.#servers.delete(server));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return server;
  }

  /** What the node:http edge runs: this pipeline, with an upstream body streamed through when no stage reads responses. */
  #edge(): Handles {
    // Read per request: a replace may add or remove the last response phase.
    const streaming: Terminal = (r, c) => this.#terminal.call(r, c, { stream: !this.#chain.hasResponsePhase });
    return { handle: (req, ctx) => this[kHandle](req, ctx, streaming), errorResponse: (err) => this[kErrorResponse](err) };
  }

  /**
   * The node:http request listener of this pipeline, for a server of your own: the same
   * limits, body handling and streaming as {@link listen}. Requests that arrive before the
   * stages are loaded wait for them. Pair it with {@link clientErrorListener} so that
   * requests Node's parser refuses get witline's error answers.
   *
   * @example
   * ```ts
   * import { createServer } from 'node:http'
   * const server = createServer({ maxHeaderSize: p.limits.maxHeaderBytes }, p.requestListener())
   * server.on('clientError', p.clientErrorListener())
   * await p.ready()
   * server.listen(8080)
   * ```
   */
  requestListener(): (req: IncomingMessage, res: ServerResponse) => void {
    return edgeListener(this.#edge(), this.limits);
  }

  /**
   * A `clientError` listener for a server of your own: a request Node's parser refused
   * (headers too large, malformed, too slow) gets witline's JSON error answer.
   *
   * @example
   * ```ts
   * server.on('clientError', p.clientErrorListener())
   * ```
   */
  clientErrorListener(): (err: NodeJS.ErrnoException, socket: Socket) => void {
    return clientErrorListener(this.#edge(), this.limits);
  }

  /** @internal True if any stage has a response phase (adapters buffer downstream bodies only then). Needs `ready()`. */
  get [kHasResponsePhase](): boolean {
    return this.#chain.hasResponsePhase;
  }

  /** How the pipeline was planned: segments, and each stage's mode, phases, capabilities and cache use. */
  describe(): PipelineDescription {
    const c = this.#chain;
    return describePipeline({
      fusion: this.#fusion,
      terminal: this.#terminal.describe(),
      binding: this.#binding,
      stages: c.stages,
      guests: c.guests,
      shapes: c.shapes,
      segments: c.generation.segments,
      reasons: c.reasons,
      host: this.#host,
    });
  }

  /** Stop every server this pipeline listens on and release upstream connections. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(
      [...this.#servers].map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeIdleConnections();
          }),
      ),
    );
    await this.#terminal.close();
    await this.#chain.close();
  }

  /** @internal The planned segments (for diagnostics and tests). */
  get [kSegments](): readonly Segment[] {
    return this.#chain.generation.segments;
  }
}

/**
 * Chain stages in front of a handler.
 *
 * @example
 * ```ts
 * import { pipeline } from 'witline'
 * import { auth, rateLimit, transform } from 'witline/middleware'
 * await pipeline([auth({ secret }), rateLimit({ burst: 10, perSecond: 5 }), transform({})], { handler }).listen({ port: 8080 })
 * ```
 */
export function pipeline(stages: readonly Stage[], options?: PipelineOptions): Pipeline {
  return new Pipeline(stages, options);
}
