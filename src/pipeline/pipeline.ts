import type { Server } from 'node:http';
import { readComponent } from '../component/load.js';
import { transpileCached } from '../component/cache.js';
import { checkExports, checkImports, worldShape, type WorldShape } from '../component/policy.js';
import { Guest } from '../component/guest.js';
import { WITLINE_CAPABILITIES } from '../host/capabilities.js';
import type { HostServices } from '../host/imports.js';
import { MemoryStore, type KvStore } from '../host/kv.js';
import { defaultLogger, type Logger } from '../host/log.js';
import { errorResponseOf, InternalError, InvalidConfigError, PipelineClosedError, WitlineError } from '../core/errors.js';
import { createEdge, type ListenOptions } from '../http/server.js';
import { injectedRequest, injectResponse, type InjectRequest, type InjectResponse } from '../http/inject.js';
import { resolveLimits, type Limits } from '../core/limits.js';
import type { Handler, RequestContext, WitRequest, WitResponse } from '../core/types.js';
import { runOnion, type Terminal } from './run.js';
import { plan, type Fusion, type PoolFactory } from './plan.js';
import type { Segment } from './segment.js';
import type { Binding } from '../component/guest.js';
import { resolvePool, type PoolOptions, type Stage } from './stage.js';
import type { PoolDescription } from '../pool/pool.js';
import { terminal, type TerminalHandle, type UpstreamOptions } from './terminal.js';

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

/** How a pipeline was planned and loaded, from {@link Pipeline.describe}. */
export interface PipelineDescription {
  fusion: Fusion;
  terminal: string;
  /**
   * The plan: each segment runs its stages per hop or fused on the main thread, or
   * (`'pooled'`) fused on a worker pool, whose settings and counters `pool` shows.
   */
  segments: Array<{ mode: 'per-hop' | 'fused' | 'pooled'; stages: string[]; pool?: PoolDescription }>;
  stages: Array<{
    name: string;
    /** How this stage runs: per hop (codec or jco bindings), inside a fused segment, or on a pool. */
    mode: 'per-hop' | 'fused' | 'pooled';
    /** Which thread runs it: the main thread, or a worker of its pool. */
    placement: 'main' | 'pool';
    binding: Binding;
    /** 'direct': one core module instantiated with witline's own imports; 'jco': jco's instantiate. */
    instantiation: 'direct' | 'jco';
    phases: Array<'request' | 'response'>;
    capabilities: string[];
    imports: string[];
    cache: 'hit' | 'miss' | 'loading';
    transpileMs: number;
    compileMs: number;
    replacedInstances: number;
  }>;
}

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
  #ready: Promise<void> | undefined;
  #closed = false;

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
    this.#host = { kv, clock, logger: options.logger ?? defaultLogger(), context: { current: { remoteAddress: '' } } };
    this.#terminal = terminal(options.handler, options.upstream, this.limits);
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
        const phases = checkExports(s.name, shape);
        const component = await transpileCached(bytes, this.#cacheDir);
        return Guest.create({ stage: s.name, component, config: s.config, capabilities, phases, host: this.#host, binding: this.#binding });
      }),
    );
    const pooled = this.stages.map((s) => resolvePool(s.pool));
    let pools: { options: Array<Required<PoolOptions> | undefined>; make: PoolFactory } | undefined;
    if (pooled.some(Boolean)) {
      // Only pipelines that pool a stage load the pool module (and piscina).
      const { poolFactory } = await import('../pool/pool.js');
      pools = { options: pooled, make: await poolFactory({ host: this.#host, proxyClock: this.#clockGiven }) };
    }
    const segments = plan(this.#guests, this.#fusion, pools);
    this.#segments = segments;
    try {
      await Promise.all(segments.map((s) => (s as { start?: () => Promise<void> }).start?.()));
    } catch (err) {
      await Promise.all(segments.map((s) => s.close?.()));
      throw err;
    }
  }

  /**
   * Run one request through the chain. Never rejects: failures become error responses.
   * `terminal` replaces the pipeline's handler for this request (adapters use it to hand
   * the request to the host framework's own handlers).
   */
  async handle(req: WitRequest, ctx: RequestContext, terminal: Terminal = this.#terminal.call): Promise<WitResponse> {
    try {
      if (this.#closed) throw new PipelineClosedError();
      await this.ready();
      return await runOnion(this.#segments, terminal, req, ctx);
    } catch (err) {
      return this.errorResponse(err);
    }
  }

  /** The response a failure gets: its status, and a JSON body naming its stable code. */
  errorResponse(err: unknown): WitResponse {
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
      resp = this.errorResponse(err);
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
    const stream = !this.hasResponsePhase;
    const edge = {
      handle: (req: WitRequest, ctx: RequestContext) => this.handle(req, ctx, (r, c) => this.#terminal.call(r, c, { stream })),
      errorResponse: (err: unknown) => this.errorResponse(err),
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

  /** True if any stage has a response phase (adapters buffer downstream bodies only then). Needs `ready()`. */
  get hasResponsePhase(): boolean {
    return this.#guests.some((g) => g.spec.phases.response);
  }

  /** How the pipeline was planned: stages, phases, capabilities and cache use. */
  describe(): PipelineDescription {
    const segmentOf = new Map<Guest, Segment>();
    for (const seg of this.#segments) for (const g of seg.guests) segmentOf.set(g, seg);
    return {
      fusion: this.#fusion,
      terminal: this.#terminal.describe(),
      segments: this.#segments.map((seg) => {
        const pool = (seg as { describe?: () => PoolDescription }).describe?.();
        return { mode: seg.mode, stages: seg.guests.map((g) => g.spec.stage), ...(pool && { pool }) };
      }),
      stages: this.stages.map((s, i) => {
        const g = this.#guests[i];
        const c = g?.spec.component;
        const seg = g && segmentOf.get(g);
        // A pooled stage's instances live in workers: its segment counts their replacements.
        const inWorkers = (seg as { replaced?: number[] } | undefined)?.replaced?.[seg!.guests.indexOf(g!)];
        // Before loading, the stage's options tell where it will run.
        const pooled = seg ? seg.mode === 'pooled' : resolvePool(s.pool) !== undefined;
        return {
          name: s.name,
          mode: seg?.mode ?? (pooled ? 'pooled' : 'per-hop'),
          placement: pooled ? 'pool' : 'main',
          binding: g?.binding ?? this.#binding,
          instantiation: g?.instantiation ?? 'jco',
          phases: g ? (['request', 'response'] as const).filter((p) => g.spec.phases[p]) : [],
          capabilities: [...(s.capabilities ?? WITLINE_CAPABILITIES)],
          imports: this.#shapes[i]?.imports ?? [],
          cache: c ? (c.transpiled ? 'miss' : 'hit') : 'loading',
          transpileMs: c?.transpileMs ?? 0,
          compileMs: c?.compileMs ?? 0,
          replacedInstances: inWorkers ?? g?.replaced ?? 0,
        };
      }),
    };
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
  get segments(): readonly Segment[] {
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
