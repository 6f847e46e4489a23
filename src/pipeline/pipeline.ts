import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Guest } from '../component/guest.js';
import type { WorldShape } from '../component/policy.js';
import type { LiftLimits } from '../abi/lift.js';
import type { Segment } from '../core/segment.js';
import { CallContext } from '../host/call-context.js';
import type { HostServices } from '../host/imports.js';
import { MemoryStore, type KvStore } from '../host/kv.js';
import { asyncStoreGuard, isAsyncKvStore, StoreFailures, type AsyncKvStore } from '../host/async-kv.js';
import type { PlacementReason } from './async-kv.js';
import { defaultLogger, type Logger } from '../host/log.js';
import { errorResponseOf, InternalError, InvalidConfigError, PipelineClosedError, WitlineError } from '../core/errors.js';
import { clientErrorListener, createEdge, edgeListener, type Handles, type ListenOptions } from '../http/server.js';
import { injectedRequest, injectResponse, type InjectRequest, type InjectResponse } from '../http/inject.js';
import { resolveLimits, type Limits } from '../core/limits.js';
import { isPromise, type Handler, type MaybePromise, type OutgoingResponse, type RequestContext, type WitRequest, type WitResponse } from '../core/types.js';
import { runOnion, type Terminal } from './run.js';
import type { Fusion } from './plan.js';
import type { Binding } from '../component/guest.js';
import type { Stage } from './stage.js';
import { loadGuest, Planner } from './load.js';
import { Generation, prepareReplacement, type Installed } from './replace.js';
import { loadTracing, noteFailure, traceRequest, tracingRequests, watchPipeline } from './trace.js';
import { terminal, type TerminalHandle, type UpstreamOptions } from './terminal.js';
import { describePipeline, type PipelineDescription } from './describe.js';
import { kErrorResponse, kHandle, kHasResponsePhase, kSegments } from './internal.js';

export type { PipelineDescription } from './describe.js';

/** Options of {@link pipeline}. */
export interface PipelineOptions {
  /** What answers after the request phase: a function, an upstream base URL, or (default) 404. */
  handler?: Handler | string | URL;
  /** Forwarding settings when `handler` is an upstream URL. */
  upstream?: UpstreamOptions;
  /**
   * The store behind the `kv` capability; default a new {@link MemoryStore} driven by `clock`.
   * An {@link AsyncKvStore} (`RedisStore`) is waited for: stages importing `kv` are suspended
   * (JSPI) or run on a pool (see `describe()`'s `placementReason`).
   */
  kv?: KvStore | AsyncKvStore;
  /** Wall-clock time in epoch ms, for guests and the default store. Default `Date.now`. */
  clock?: () => number;
  logger?: Logger;
  limits?: Partial<Limits>;
  /** Transpile cache folder; default `$WITLINE_CACHE_DIR`, else `node_modules/.cache/witline`. */
  cacheDir?: string;
  /**
   * `'auto'` (default) fuses adjacent stages: a request moves from one stage's memory to
   * the next with no JS objects and no awaits in between. `'off'`: per-hop mode, every
   * hop lifted to JS and awaited.
   */
  fusion?: Fusion;
  /**
   * How stages are called: `'codec'` (default), witline's Canonical ABI codec over the
   * core exports, where a component allows it; `'jco'`, jco's generated bindings (for
   * comparison; never fused).
   */
  binding?: Binding;
}

const encoder = new TextEncoder();

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
  #stages: readonly Stage[];
  #guests: Guest[] = [];
  #shapes: WorldShape[] = [];
  #asyncKv: boolean[] = [];
  #reasons: Array<PlacementReason | undefined> = [];
  #gen = new Generation([]);
  // Whether any stage reads responses (the edge streams an upstream body only when none does); kept with the guests.
  #hasResponsePhase = false;
  readonly #fusion: Fusion;
  readonly #binding: Binding;
  readonly #planner: Planner;
  #ready: Promise<void> | undefined;
  #closed = false;
  // Replacements run one at a time; old segments still closing are awaited by close().
  #replacing: Promise<unknown> = Promise.resolve();
  readonly #retiring = new Set<Promise<void>>();
  #unwatch: (() => void) | undefined;
  /** Set once every stage is loaded: requests then skip the `ready()` promise. */
  #loaded = false;

  constructor(stages: readonly Stage[], options: PipelineOptions = {}) {
    for (const [i, s] of stages.entries()) {
      if (s?.kind !== 'witline.stage') throw new InvalidConfigError(`stages[${i}] is not a stage (use stage() or a middleware factory)`);
    }
    this.#stages = stages;
    this.limits = resolveLimits(options.limits);
    const clock = options.clock ?? Date.now;
    let kv = options.kv;
    if (!kv) {
      const store = new MemoryStore({ now: clock });
      kv = store;
    }
    this.#host = { kv: kv as KvStore, clock, logger: options.logger ?? defaultLogger(), call: new CallContext() };
    if (isAsyncKvStore(kv)) Object.assign(this.#host, { kv: asyncStoreGuard(), asyncKv: kv, storeFailures: new StoreFailures() });
    this.#terminal = terminal(options.handler, options.upstream, this.limits);
    // What a guest's results may make the host copy: the request limits, and the upstream's response cap.
    const lift: LiftLimits = {
      maxHeaderCount: this.limits.maxHeaderCount,
      maxHeaderBytes: this.limits.maxHeaderBytes,
      maxRequestBodyBytes: this.limits.maxBodyBytes,
      maxResponseBodyBytes: options.upstream?.maxResponseBytes ?? 16 * 1024 * 1024,
    };
    this.#fusion = options.fusion ?? 'auto';
    this.#binding = options.binding ?? 'codec';
    if (this.#fusion !== 'auto' && this.#fusion !== 'off') throw new InvalidConfigError(`fusion must be 'auto' or 'off'`);
    if (this.#binding !== 'codec' && this.#binding !== 'jco') throw new InvalidConfigError(`binding must be 'codec' or 'jco'`);
    this.#planner = new Planner({
      host: this.#host,
      cacheDir: options.cacheDir,
      binding: this.#binding,
      fusion: this.#fusion,
      clockGiven: options.clock !== undefined,
      lift,
    });
  }

  /** The stages, in order (a {@link replace} changes the one it replaced). */
  get stages(): readonly Stage[] {
    return this.#stages;
  }

  /** Load, transpile (or find in the cache), instantiate and configure every stage. Idempotent. */
  ready(): Promise<void> {
    this.#ready ??= this.#load();
    return this.#ready;
  }

  async #load(): Promise<void> {
    // The tracing module (and @opentelemetry/api, if installed) loads once per process, here rather than per request.
    await loadTracing();
    const loaded = await Promise.all(this.#stages.map((s) => loadGuest(s, this.#planner.settings)));
    const guests = loaded.map((l) => l.guest);
    const asyncKv = loaded.map((l) => l.asyncKv);
    const { segments, reasons } = await this.#planner.plan(this.#stages, guests, asyncKv);
    try {
      await Promise.all(segments.map((s) => s.start?.()));
    } catch (err) {
      await Promise.all(segments.map((s) => s.close?.()));
      throw err;
    }
    this.#install({ stages: this.#stages, guests, shapes: loaded.map((l) => l.shape), asyncKv, reasons, segments });
    this.#unwatch = watchPipeline(() => this.describe());
    this.#loaded = true;
  }

  #install({ stages, guests, shapes, asyncKv, reasons, segments }: Installed): Generation {
    const old = this.#gen;
    this.#stages = stages;
    this.#guests = guests;
    this.#shapes = shapes;
    this.#asyncKv = asyncKv;
    this.#reasons = reasons;
    this.#hasResponsePhase = guests.some((g) => g.spec.phases.response);
    this.#gen = new Generation(segments);
    return old;
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
    const run = this.#replacing.then(() => this.#replace(name, next));
    this.#replacing = run.catch(() => {});
    return run;
  }

  async #replace(name: string, next: Stage): Promise<void> {
    if (next?.kind !== 'witline.stage') throw new InvalidConfigError(`replace('${name}'): the new stage is not a stage (use stage() or a middleware factory)`);
    await this.ready();
    if (this.#closed) throw new PipelineClosedError();
    const i = this.#stages.findIndex((s) => s.name === name);
    if (i < 0) throw new InvalidConfigError(`replace: no stage named '${name}' (stages: ${this.#stages.map((s) => s.name).join(', ')})`);
    const current = { stages: this.#stages, guests: this.#guests, shapes: this.#shapes, asyncKv: this.#asyncKv, reasons: this.#reasons };
    const { fresh, ...prepared } = await prepareReplacement({ ...current, segments: this.#gen.segments }, i, next, this.#planner);
    if (this.#closed) {
      await Promise.all(fresh.map((s) => s.close?.()));
      throw new PipelineClosedError();
    }
    const old = this.#install(prepared);
    const retired = this.#gen.retire(old).catch((err: unknown) => this.#host.logger.error('a replaced segment failed to close', { error: String(err) }));
    this.#retiring.add(retired);
    void retired.finally(() => this.#retiring.delete(retired));
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
      if (!this.#loaded)
        return this.ready().then(
          () => this.#handle(req, ctx, terminal),
          (err) => this[kErrorResponse](err),
        );
      // The request keeps this generation's segments to its end, whatever a replace installs meanwhile.
      gen = this.#gen;
      gen.enter();
      const out = runOnion(gen.segments, terminal, req, ctx);
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
    const streaming: Terminal = (r, c) => this.#terminal.call(r, c, { stream: !this.#hasResponsePhase });
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
    return this.#hasResponsePhase;
  }

  /** How the pipeline was planned: segments, and each stage's mode, phases, capabilities and cache use. */
  describe(): PipelineDescription {
    const { stages } = this;
    return describePipeline({
      fusion: this.#fusion,
      terminal: this.#terminal.describe(),
      binding: this.#binding,
      stages,
      guests: this.#guests,
      shapes: this.#shapes,
      segments: this.#gen.segments,
      reasons: this.#reasons,
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
    // Pools stop their workers; a load or replace still in progress is let finish so its pools are stopped too.
    await this.#ready?.catch(() => {});
    await this.#replacing;
    this.#unwatch?.();
    await Promise.all([...this.#retiring]);
    await Promise.all(this.#gen.segments.map((s) => s.close?.()));
  }

  /** @internal The planned segments (for diagnostics and tests). */
  get [kSegments](): readonly Segment[] {
    return this.#gen.segments;
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
