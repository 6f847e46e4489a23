import type { Server } from 'node:http';
import { readComponent } from '../component/load.js';
import { transpileCached } from '../component/cache.js';
import { checkExports, checkImports, worldShape, type WorldShape } from '../component/policy.js';
import { Guest } from '../component/guest.js';
import { requireJspi } from '../component/features.js';
import { sandboxed } from '../component/sandboxed.js';
import type { LiftLimits } from '../abi/lift.js';
import { WITLINE_CAPABILITIES } from '../core/wit-names.mjs';
import type { Segment } from '../core/segment.js';
import type { PoolOptions } from '../core/stage.js';
import { CallContext } from '../host/call-context.js';
import type { HostServices } from '../host/imports.js';
import { MemoryStore, type KvStore } from '../host/kv.js';
import { defaultLogger, type Logger } from '../host/log.js';
import { errorResponseOf, InternalError, InvalidConfigError, PipelineClosedError, WitlineError } from '../core/errors.js';
import { createEdge, type ListenOptions } from '../http/server.js';
import { injectedRequest, injectResponse, type InjectRequest, type InjectResponse } from '../http/inject.js';
import { resolveLimits, type Limits } from '../core/limits.js';
import { isPromise, type Handler, type MaybePromise, type OutgoingResponse, type RequestContext, type WitRequest, type WitResponse } from '../core/types.js';
import type { PoolFactory } from '../pool/pool.js';
import { runOnion, type Terminal } from './run.js';
import { plan, type Fusion } from './plan.js';
import type { Binding } from '../component/guest.js';
import { calledPhases, resolvePool, type Stage } from './stage.js';
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
  /** The store behind the `kv` capability; default a new {@link MemoryStore} driven by `clock`. */
  kv?: KvStore;
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
  readonly stages: readonly Stage[];
  readonly limits: Limits;
  readonly #host: HostServices;
  readonly #terminal: TerminalHandle;
  readonly #cacheDir: string | undefined;
  readonly #servers = new Set<Server>();
  #guests: Guest[] = [];
  readonly #shapes: WorldShape[] = [];
  #segments: Segment[] = [];
  readonly #fusion: Fusion;
  readonly #binding: Binding;
  readonly #clockGiven: boolean;
  readonly #liftLimits: LiftLimits;
  #ready: Promise<void> | undefined;
  #closed = false;
  /** Set once every stage is loaded: requests then skip the `ready()` promise. */
  #loaded = false;

  constructor(stages: readonly Stage[], options: PipelineOptions = {}) {
    for (const [i, s] of stages.entries()) {
      if (s?.kind !== 'witline.stage') throw new InvalidConfigError(`stages[${i}] is not a stage (use stage() or a middleware factory)`);
    }
    this.stages = stages;
    this.limits = resolveLimits(options.limits);
    const clock = options.clock ?? Date.now;
    this.#clockGiven = options.clock !== undefined;
    let kv = options.kv;
    if (!kv) {
      const store = new MemoryStore({ now: clock });
      kv = store;
    }
    this.#host = { kv, clock, logger: options.logger ?? defaultLogger(), call: new CallContext() };
    this.#terminal = terminal(options.handler, options.upstream, this.limits);
    // What a guest's results may make the host copy: the request limits, and the upstream's response cap.
    this.#liftLimits = {
      maxHeaderCount: this.limits.maxHeaderCount,
      maxHeaderBytes: this.limits.maxHeaderBytes,
      maxRequestBodyBytes: this.limits.maxBodyBytes,
      maxResponseBodyBytes: options.upstream?.maxResponseBytes ?? 16 * 1024 * 1024,
    };
    this.#cacheDir = options.cacheDir;
    this.#fusion = options.fusion ?? 'auto';
    this.#binding = options.binding ?? 'codec';
    if (this.#fusion !== 'auto' && this.#fusion !== 'off') throw new InvalidConfigError(`fusion must be 'auto' or 'off'`);
    if (this.#binding !== 'codec' && this.#binding !== 'jco') throw new InvalidConfigError(`binding must be 'codec' or 'jco'`);
  }

  /** Load, transpile (or find in the cache), instantiate and configure every stage. Idempotent. */
  ready(): Promise<void> {
    this.#ready ??= this.#load();
    return this.#ready;
  }

  async #load(): Promise<void> {
    this.#guests = await Promise.all(
      this.stages.map(async (s, i) => {
        const bytes = await readComponent(s.component);
        // Judged from the binary's own import section, before any of it is transpiled.
        const shape = (this.#shapes[i] = worldShape(bytes));
        const capabilities = s.capabilities ?? WITLINE_CAPABILITIES;
        checkImports(s.name, shape, capabilities);
        const phases = calledPhases(s.name, checkExports(s.name, shape), s.phases);
        // Runtime features too, before any core module compiles (compile errors name the stage).
        const transpiled = await transpileCached(bytes, this.#cacheDir, {
          stage: s.name,
          check: ({ canon }) => {
            if (canon.async) requireJspi(s.name);
          },
        });
        // sandbox: fuel only where this thread enforces the deadline (a pool terminates its workers instead).
        const pooled = resolvePool(s.pool) !== undefined;
        const component = await sandboxed(transpiled, { fuel: s.timeoutMs > 0 && !pooled, maxMemoryBytes: s.maxMemoryBytes });
        return Guest.create({
          stage: s.name,
          component,
          config: s.config,
          capabilities,
          phases,
          host: this.#host,
          binding: this.#binding,
          timeoutMs: pooled ? 0 : s.timeoutMs,
          lift: this.#liftLimits,
          now: this.#host.clock,
        });
      }),
    );
    const pooled = this.stages.map((s) => resolvePool(s.pool));
    let pools: { options: Array<Required<PoolOptions> | undefined>; make: PoolFactory } | undefined;
    if (pooled.some(Boolean)) {
      // Only pipelines that pool a stage load the pool module (and piscina).
      const { poolFactory } = await import('../pool/pool.js');
      pools = { options: pooled, make: await poolFactory({ host: this.#host, proxyClock: this.#clockGiven }) };
    }
    const segments = plan(
      this.#guests,
      this.#fusion,
      this.#host.call,
      pools,
      this.stages.map((s) => s.failurePolicy === 'open'),
    );
    this.#segments = segments;
    try {
      await Promise.all(segments.map((s) => s.start?.()));
    } catch (err) {
      await Promise.all(segments.map((s) => s.close?.()));
      throw err;
    }
    this.#loaded = true;
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
    try {
      if (this.#closed) throw new PipelineClosedError();
      if (!this.#loaded)
        return this.ready().then(
          () => this[kHandle](req, ctx, terminal),
          (err) => this[kErrorResponse](err),
        );
      const out = runOnion(this.#segments, terminal, req, ctx);
      return isPromise(out) ? out.catch((err) => this[kErrorResponse](err)) : out;
    } catch (err) {
      return this[kErrorResponse](err);
    }
  }

  /** @internal The response a failure gets: its status, and a JSON body naming its stable code. */
  [kErrorResponse](err: unknown): WitResponse {
    const e = err instanceof WitlineError ? err : new InternalError({ cause: err });
    if (e.statusCode >= 500) {
      const cause = e.cause instanceof Error ? e.cause.message : e.cause === undefined ? undefined : String(e.cause);
      this.#host.logger.error(e.message, { code: e.code, cause });
    }
    return errorResponseOf(e);
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
    // The edge alone can write a body as it arrives: an upstream's streams through when no stage reads responses.
    const stream = !this[kHasResponsePhase];
    const edge = {
      handle: (req: WitRequest, ctx: RequestContext) => this[kHandle](req, ctx, (r, c) => this.#terminal.call(r, c, { stream })),
      errorResponse: (err: unknown) => this[kErrorResponse](err),
    };
    const server = createEdge(edge, this.limits, options);
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

  /** @internal True if any stage has a response phase (adapters buffer downstream bodies only then). Needs `ready()`. */
  get [kHasResponsePhase](): boolean {
    return this.#guests.some((g) => g.spec.phases.response);
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
      segments: this.#segments,
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
    // Pools stop their workers; a load still in progress is let finish so its pools are stopped too.
    await this.#ready?.catch(() => {});
    await Promise.all(this.#segments.map((s) => s.close?.()));
  }

  /** @internal The planned segments (for diagnostics and tests). */
  get [kSegments](): readonly Segment[] {
    return this.#segments;
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
