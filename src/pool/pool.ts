import type { MessagePort, Worker } from 'node:worker_threads';
import type { Piscina } from 'piscina';
import { HostMemory } from '../abi/host-memory.js';
import { liftRequest, liftResponse, type LiftLimits } from '../abi/lift.js';
import { AbiError } from '../abi/memory.js';
import type { Guest } from '../component/guest.js';
import {
  ClientAbortedError,
  ComponentLoadError,
  GuestInvalidOutputError,
  InvalidConfigError,
  PipelineClosedError,
  PoolBusyError,
  rebuildError,
  StageTimeoutError,
  WitlineError,
  WorkerExitedError,
} from '../core/errors.js';
import type { HostServices } from '../host/imports.js';
import type { PoolDescription, RequestOutcome, Segment, SegmentDescription } from '../core/segment.js';
import type { PoolOptions } from '../core/stage.js';
import { checkRequest, checkResponse } from '../core/validate.js';
import type { RequestContext, WitRequest, WitResponse } from '../core/types.js';
import { serveHost } from './kv-proxy.js';
import { Spares } from './spares.js';
import { StartBoard } from './deadline.js';
import { workerEntry, type WorkerEntry } from './entry.js';
import { appendResponse, encodeRequest, type Task, type TaskResult, type WorkerData } from './wire.js';

type PiscinaClass = typeof Piscina;

/** What the pipeline shares with its pools. */
export interface PoolContext {
  host: HostServices;
  /** True when the pipeline was given a clock: workers then ask the main thread for the time. */
  proxyClock: boolean;
}

/** Makes the segment for a run of pooled stages (the planner calls it; loaded only when a pipeline pools a stage). */
export type PoolFactory = (guests: Guest[], options: Required<PoolOptions>) => Segment;

/** Load piscina (only now: pipelines without pooled stages never do) and return the planner's factory. */
export async function poolFactory(ctx: PoolContext): Promise<PoolFactory> {
  const [{ Piscina }, entry] = await Promise.all([import('piscina'), workerEntry()]);
  return (guests, options) => new PooledSegment(Piscina, entry, guests, options, ctx);
}

/** The request phase's state kept for the response task: the snapshot buffer, or the JS request if none ran. */
type PooledState = { buf: ArrayBuffer; used: number; entered: number[] } | { req: WitRequest } | undefined;

/**
 * Adjacent pooled stages on one piscina pool. Each phase is one task: the request (or the
 * response, with the request phase's snapshots) travels encoded in a transferred buffer,
 * the worker runs the stages fused, and the result comes back the same way. Admission is
 * counted here (running + waiting ≤ maxThreads + maxQueue), so a full pool answers 503 at
 * once; a task past `timeoutMs` or whose client went away is aborted, which makes piscina
 * terminate and replace its worker.
 */
export class PooledSegment implements Segment {
  readonly mode = 'pooled' as const;
  /** The stages' main-thread guests: loaded (and configured) once to check the stage, never called. */
  readonly guests: readonly Guest[];
  readonly stages: readonly string[];
  readonly options: Required<PoolOptions>;
  /** Guest instances replaced inside workers (after traps), per stage. */
  readonly #replaced: number[];
  readonly #stats = { completed: 0, timeouts: 0, cancelled: 0, crashed: 0, busy: 0 };
  readonly #names: string[];
  readonly #pool: Piscina;
  readonly #hasRequest: boolean;
  readonly #hasResponse: boolean;
  readonly #liftLimits: LiftLimits | undefined;
  readonly #board: StartBoard;
  readonly #spares: Spares;
  #inFlight = 0;
  #closed = false;

  constructor(Pool: PiscinaClass, entry: WorkerEntry, guests: readonly Guest[], options: Required<PoolOptions>, ctx: PoolContext) {
    this.guests = guests;
    this.options = options;
    this.#replaced = guests.map(() => 0);
    this.#names = guests.map((g) => g.spec.stage);
    this.stages = this.#names;
    this.#spares = new Spares(8);
    // Room for every admitted request phase, and as many response phases besides.
    this.#board = new StartBoard(2 * (options.maxThreads + options.maxQueue));
    for (const g of guests) {
      if (g.binding !== 'codec')
        throw new InvalidConfigError(`stage '${g.spec.stage}' cannot be pooled: it runs on jco's bindings, and workers run stages through the codec`);
    }
    this.#liftLimits = guests[0]?.spec.lift;
    this.#hasRequest = guests.some((g) => g.spec.phases.request);
    this.#hasResponse = guests.some((g) => g.spec.phases.response);
    const workerData: WorkerData = {
      proxyClock: ctx.proxyClock,
      board: { buffer: this.#board.buffer, base: this.#board.base },
      stages: guests.map(({ spec: s }) => ({
        name: s.stage,
        config: s.config,
        capabilities: s.capabilities,
        phases: s.phases,
        component: {
          key: s.component.key,
          dir: s.component.dir,
          wit: s.component.wit,
          codec: s.component.codec,
          canon: s.component.canon,
          cores: [...s.component.cores],
        },
      })),
    };
    const { host } = ctx;
    this.#pool = new Pool({ ...entry, minThreads: options.minThreads, maxThreads: options.maxThreads, idleTimeout: 30_000, workerData });
    this.#pool.on('message', (m: { witlineHost?: MessagePort; flag?: Int32Array }) => {
      if (m?.witlineHost && m.flag) serveHost(m.witlineHost, m.flag, host);
    });
    // Uncaught errors of idle workers: piscina replaces the worker; without a listener they would crash the process.
    this.#pool.on('error', (err: Error) => host.logger.error(`witline: a worker of ${this.#names.join(', ')} failed`, { error: err?.message }));
  }

  /** Have a worker load the stages; a failure there (e.g. the worker file cannot load) surfaces now. */
  async start(): Promise<void> {
    try {
      await this.#pool.run({ kind: 'ping' } satisfies Task);
    } catch (err) {
      throw new ComponentLoadError(`the worker pool of ${this.#names.join(', ')} could not start: ${(err as Error).message}`, { cause: err });
    }
  }

  /** The pool's live worker threads (for diagnostics). */
  get threads(): readonly Worker[] {
    return this.#pool.threads;
  }

  /** The pool's settings and counters. */
  counters(): PoolDescription {
    const running = this.#board.running;
    return { ...this.options, threads: this.#pool.threads.length, running, queued: Math.max(0, this.#inFlight - running), ...this.#stats };
  }

  describe(): SegmentDescription {
    return { mode: this.mode, stages: [...this.stages], pool: this.counters() };
  }

  /** The main-thread guests are never called: replacements happen in the workers, counted from their results. */
  replaced(): readonly number[] {
    return [...this.#replaced];
  }

  async request(req: WitRequest, ctx: RequestContext): Promise<RequestOutcome> {
    if (!this.#hasRequest) return { next: req, state: { req } satisfies PooledState };
    this.#admit(ctx);
    const { mem, rec } = encodeRequest(req, 0, this.#spares);
    const buf = mem.u8.buffer as ArrayBuffer;
    const res = await this.#run({ kind: 'request', slot: 0, buf, used: mem.used, rec, remoteAddress: ctx.remoteAddress }, buf, ctx);
    if (res.kind === 'respond') {
      const respond = this.#lift(res, liftResponse, this.#checkResponse, undefined);
      this.#spares.give(res.buf);
      return { respond };
    }
    if (res.kind !== 'next') throw new Error(`unexpected pool result ${res.kind}`);
    const next = res.rec < 0 ? req : this.#lift(res, liftRequest, checkRequest, req.body);
    if (!this.#hasResponse) {
      this.#spares.give(res.buf);
      return { next, state: undefined };
    }
    return { next, state: { buf: res.buf, used: res.used, entered: res.entered! } satisfies PooledState };
  }

  async response(state: unknown, resp: WitResponse, ctx: RequestContext): Promise<WitResponse> {
    if (!this.#hasResponse) return resp;
    const s = state as PooledState;
    this.#admit(ctx, true);
    let mem: HostMemory;
    let entered: number[];
    if (s && 'req' in s) {
      // No request phase ran: every stage saw the request as it came.
      const encoded = encodeRequest(s.req, resp.body.byteLength + 1024, this.#spares);
      mem = encoded.mem;
      entered = this.guests.flatMap((_, i) => [i, encoded.rec]);
    } else {
      mem = new HostMemory(s!.buf, s!.used);
      entered = s!.entered;
    }
    const at = appendResponse(mem, resp);
    const buf = mem.u8.buffer as ArrayBuffer;
    const res = await this.#run({ kind: 'response', slot: 0, buf, used: mem.used, resp: at, entered, remoteAddress: ctx.remoteAddress }, buf, ctx);
    if (res.kind !== 'response') throw new Error(`unexpected pool result ${res.kind}`);
    const out = res.rec < 0 ? resp : this.#lift(res, liftResponse, this.#checkResponse, resp.body);
    this.#spares.give(res.buf);
    return out;
  }

  /**
   * Lift a value a worker produced and check it, as a fused segment does at its edge. A
   * body the worker left out as unchanged is `body`, the one this thread already has.
   */
  // A stage's response is checked against the pipeline's response limits, as on this thread.
  readonly #checkResponse = (stage: string, v: WitResponse) => checkResponse(stage, v, this.#liftLimits);

  #lift<T extends { body?: Uint8Array }>(
    res: { buf: ArrayBuffer; used: number; rec: number; stage: number; sameBody: boolean },
    lift: (m: HostMemory, p: number, limits?: LiftLimits) => T,
    check: (stage: string, v: T) => T,
    body: Uint8Array | undefined,
  ): T {
    const stage = this.#names[res.stage] ?? this.#names[0];
    let value: T;
    try {
      // sandbox: what a worker's guest returned is bounded as on this thread (the stages share the pipeline's limits).
      value = lift(new HostMemory(res.buf, res.used), res.rec, this.#liftLimits);
    } catch (err) {
      if (err instanceof AbiError) throw new GuestInvalidOutputError(stage, err.message);
      throw err;
    }
    if (res.sameBody) value.body = body;
    return check(stage, value);
  }

  /**
   * Refuse a task before any work is spent encoding it: pool closed, client gone, or no
   * room. A response phase (`continuation`) is never refused for room: its request phase
   * was admitted, and the handler has run since.
   */
  #admit(ctx: RequestContext, continuation = false): void {
    if (this.#closed) throw new PipelineClosedError();
    if (ctx.signal?.aborted) throw new ClientAbortedError();
    if (!continuation && this.#inFlight >= this.options.maxThreads + this.options.maxQueue) {
      this.#stats.busy++;
      throw new PoolBusyError(this.#names, 1);
    }
  }

  /**
   * Submit one admitted task (synchronously after `#admit`, so the count still holds): its
   * deadline runs from the moment a worker starts it; a client gone cancels it; failures map
   * to stable errors.
   */
  async #run(task: Task & { slot: number }, buf: ArrayBuffer, ctx: RequestContext): Promise<Exclude<TaskResult, { kind: 'error' | 'pong' }>> {
    const slot = (task.slot = this.#board.claim());
    const abort = new AbortController();
    let timedOut = false;
    // timeoutMs 0: the stage has no deadline (sandbox off).
    const cancelDeadline =
      this.options.timeoutMs > 0
        ? this.#board.deadline(slot, this.options.timeoutMs, () => {
            timedOut = true;
            abort.abort(new StageTimeoutError(this.#names, this.options.timeoutMs));
          })
        : () => {};
    const onClientGone = () => abort.abort(new ClientAbortedError());
    ctx.signal?.addEventListener('abort', onClientGone, { once: true });
    this.#inFlight++;
    try {
      const res = (await this.#pool.run(task, { transferList: [buf], signal: abort.signal })) as TaskResult;
      this.#stats.completed++;
      if ('replaced' in res) for (const i of res.replaced) this.#replaced[i]++;
      if (res.kind === 'error') throw this.#error(res);
      if (res.kind === 'pong') throw new Error('unexpected pong');
      return res;
    } catch (err) {
      if (err instanceof WitlineError) throw err;
      if (timedOut) {
        this.#stats.timeouts++;
        throw new StageTimeoutError(this.#names, this.options.timeoutMs);
      }
      if (ctx.signal?.aborted) {
        this.#stats.cancelled++;
        throw new ClientAbortedError();
      }
      if (this.#closed) throw new PipelineClosedError();
      this.#stats.crashed++;
      throw new WorkerExitedError(this.#names, { cause: err });
    } finally {
      this.#inFlight--;
      cancelDeadline();
      this.#board.release(slot);
      ctx.signal?.removeEventListener('abort', onClientGone);
    }
  }

  /** The main-thread error for a failure a worker reported. */
  #error(res: Extract<TaskResult, { kind: 'error' }>): WitlineError {
    return rebuildError(res);
  }

  /** Stop every worker; tasks still queued or running fail with WITLINE_CLOSED. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#pool.destroy();
  }
}
