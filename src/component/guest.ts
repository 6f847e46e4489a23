import { INTERFACES, witName, type Capability } from '../core/wit-names.mjs';
import { hostImports, type HostServices } from '../host/imports.js';
import type { Transpiled } from './cache.js';
import { recordingInstantiateCore, type CoreExports } from './core.js';
import { configureDirect, directModule, instantiateDirect, type DirectPlan } from './direct.js';
import { SuspendingInstances } from './suspending.js';
import { REQUEST_FLAT, RESPONSE_FLAT } from '../abi/layout.js';
import { lowerRequest, lowerResponse } from '../abi/lower.js';
import { liftAction, liftResponse, type LiftLimits } from '../abi/lift.js';
import { DeadlineExceeded, unguarded, watchedTimeout, type Guard } from '../host/deadline.js';
import { watchdog } from '../host/watchdog.js';
import type { Interrupt } from '../core/stage.js';
import { AbiError } from '../abi/memory.js';
import type { RequestContext, WitAction, WitRequest, WitResponse } from '../core/types.js';
import { ComponentLoadError, GuestConfigError, GuestInvalidOutputError, GuestTrapError, StageTimeoutError, StageUnavailableError } from '../core/errors.js';

// jco's instantiate keys exported interfaces by their full names.
const REQUEST_HANDLER = witName(INTERFACES.requestHandler);
const RESPONSE_HANDLER = witName(INTERFACES.responseHandler);
const CONFIG = witName(INTERFACES.config);

/** How a guest's handlers are called: witline's codec over the core exports, or jco's bindings. */
export type Binding = 'codec' | 'jco';

interface Instance {
  /** Present when the codec can call the core exports directly. */
  core?: CoreExports;
  onRequest?: (req: WitRequest) => WitAction;
  onResponse?: (req: WitRequest, resp: WitResponse) => WitResponse;
}

const directModules = new WeakMap<Transpiled, DirectPlan | null>();
function directOf(component: Transpiled): DirectPlan | undefined {
  let m = directModules.get(component);
  if (m === undefined) directModules.set(component, (m = directModule(component) ?? null));
  return m ?? undefined;
}

/** What a stage's guest is built from; everything needed to make a fresh instance. */
export interface GuestSpec {
  stage: string;
  component: Transpiled;
  config: ReadonlyArray<readonly [string, string]>;
  capabilities: readonly Capability[];
  phases: { request: boolean; response: boolean; configure: boolean };
  host: HostServices;
  /** Preferred binding; the codec is used only where the component allows it. Default 'codec'. */
  binding?: Binding;
  /** Allow direct instantiation where possible (default true); false always uses jco's instantiate. */
  direct?: boolean;
  /**
   * Longest one call into the guest may run, ms (instantiation and `configure` included);
   * 0 or absent: no deadline on this thread (a pool's worker is stopped from outside).
   */
  timeoutMs?: number;
  /**
   * How the deadline is enforced: the watchdog (host/watchdog.ts; calls run in its native
   * frame) or fuel (the component's cores must have been rewritten, `sandboxed.ts`). Default 'fuel'.
   */
  interrupt?: Interrupt;
  /** Bounds on what the host lifts from the guest's results. */
  lift?: LiftLimits;
  /** A clock in ms for the re-instantiation backoff (pipelines pass theirs). Default `performance.now`. */
  now?: () => number;
  /** Async kv (issue 13): let this stage's kv calls suspend on `host.asyncKv` (JSPI), where it is instantiated directly. */
  suspend?: boolean;
}

/**
 * A request lying in a guest's memory for its response phase (segment/kept.ts): whoever
 * calls into the guest next moves it out first, before anything there can change.
 */
export interface Resident {
  evacuate(): void;
}

/** Re-instantiation backoff after a failure, as Envoy's default retry policy: 1 s base, doubling, capped at 10 × base. */
export const REINSTANTIATE_BACKOFF = { baseMs: 1_000, maxMs: 10_000 } as const;

/**
 * One stage's live guest instance. Calls are synchronous, so one instance serves every
 * request of the thread in turn. A call that throws (a trap, or a value that cannot be
 * lifted) leaves the instance in an unknown state: it is dropped at once, never
 * re-entered, and a replacement is instantiated from the already-compiled core modules.
 */
export class Guest {
  readonly spec: GuestSpec;
  #instance: Instance | undefined;
  #pending: Promise<Instance> | undefined;
  // Flat arguments for one call: a request, then a response.
  readonly args = new Int32Array(REQUEST_FLAT + RESPONSE_FLAT);
  /** How many instances were dropped after a failed call. */
  replaced = 0;
  /** How many calls failed (trap, timeout, invalid output) or were refused while the stage could not be instantiated. */
  failures = 0;
  // Consecutive failed re-instantiations; none is attempted before #retryAt.
  #attempts = 0;
  #retryAt = 0;
  #lastError: unknown;
  /**
   * Async kv (issue 13): set when this stage's kv calls suspend. It is then called only
   * through these instances' promise-returning phases (a segment of its own); the
   * synchronous instance above serves no request.
   */
  suspending: SuspendingInstances | undefined;
  /**
   * The course whose requests lie in this instance's memory, if any (segment/kept.ts).
   * Every call into the guest, from any segment, moves them out first: a per-hop call here,
   * a fused segment's own entry there.
   */
  resident: Resident | undefined = undefined;

  /**
   * Runs guest code under the stage's deadline: in the watchdog's native frame, or a plain
   * call where fuel (or nothing) enforces it. Every call into the guest goes through it,
   * `cabi_realloc` included (a fused segment's copies into this guest too).
   */
  readonly guard: Guard;

  private constructor(spec: GuestSpec) {
    this.spec = spec;
    this.guard = spec.timeoutMs && spec.interrupt === 'watchdog' ? watchdogRun(spec.timeoutMs) : unguarded;
  }

  /** Instantiate and configure the first instance; configuration errors surface here. */
  static async create(spec: GuestSpec): Promise<Guest> {
    const g = new Guest(spec);
    g.#instance = await g.#instantiate();
    const direct = spec.suspend && spec.host.asyncKv && g.#direct();
    if (direct) (g.suspending = new SuspendingInstances(spec, direct, spec.host.asyncKv!)).warm();
    return g;
  }

  // Why the codec could not serve this stage, found at its first instantiation.
  #codecFailure: string | undefined;

  /** The binding actually in use: per stage, jco's bindings where the codec cannot serve it. */
  get binding(): Binding {
    return this.spec.binding !== 'jco' && this.spec.component.codec && this.#codecFailure === undefined ? 'codec' : 'jco';
  }

  /** Why this stage runs on jco's bindings, when it does. */
  get bindingReason(): string | undefined {
    if (this.binding === 'codec') return undefined;
    if (this.spec.binding === 'jco') return "binding: 'jco' was asked for";
    return `the codec cannot serve it: ${this.spec.component.canon.reason ?? this.#codecFailure}`;
  }

  /** How instances are made: one core module with witline's imports ('direct'), or jco's instantiate. */
  get instantiation(): 'direct' | 'jco' {
    return this.#direct() ? 'direct' : 'jco';
  }

  #direct(): DirectPlan | undefined {
    return this.binding === 'codec' && this.spec.direct !== false ? directOf(this.spec.component) : undefined;
  }

  async #instantiate(): Promise<Instance> {
    const direct = this.#direct();
    return direct ? this.#unrequested(() => this.#instantiateDirect(direct)) : this.#instantiateJco();
  }

  /**
   * Run guest code that serves no request (instantiation, `configure`): its `context` reads
   * an empty address, even when a replacement is made while a failed call unwinds. The
   * stage's deadline covers it too.
   */
  #unrequested<T>(fn: () => T): T {
    const call = this.spec.host.call;
    const outer = call.enter(undefined);
    const outerDeadline = call.deadline.enter(this.spec.timeoutMs ?? 0);
    try {
      return this.guard(fn, undefined);
    } finally {
      call.deadline.leave(outerDeadline);
      call.leave(outer);
    }
  }

  #instantiateDirect(plan: DirectPlan): Instance {
    const { stage, capabilities, host, phases, config } = this.spec;
    let made;
    try {
      // Guarded here as well as around the whole: the watchdog's timeout must reach these catches.
      const watched = this.guard !== unguarded;
      made = this.guard(() => instantiateDirect(plan, this.spec.component, stage, capabilities, host, undefined, watched), undefined);
    } catch (err) {
      throw new ComponentLoadError(`stage '${stage}' failed to instantiate: ${(err as Error).message}`, { cause: err });
    }
    const configure = made.configure;
    configureDirect(stage, { configure: configure && ((pairs) => this.guard(configure, made, pairs)) }, phases.configure, config);
    return { core: made.core };
  }

  async #instantiateJco(): Promise<Instance> {
    const { component, stage, capabilities, host } = this.spec;
    const recorder = recordingInstantiateCore({ imports: host.call.deadline.imports(), run: (fn) => this.#unrequested(fn) });
    let exports: Record<string, any>;
    try {
      // Only the synchronous start is covered here; what runs after jco's awaits runs when no call is current.
      exports = await this.#unrequested(() =>
        component.instantiate(
          (name) => {
            const m = component.cores.get(name);
            if (!m) throw new Error(`missing core module ${name}`);
            return m;
          },
          hostImports(stage, capabilities, host, this.guard !== unguarded),
          recorder.instantiateCore,
        ),
      );
    } catch (err) {
      throw new ComponentLoadError(`stage '${stage}' failed to instantiate: ${(err as Error).message}`, { cause: err });
    }
    if (this.spec.phases.configure) {
      try {
        this.#unrequested(() => exports[CONFIG].configure(this.spec.config.map(([k, v]) => [k, v])));
      } catch (err) {
        // jco throws the `err` arm of a result as an error carrying the payload.
        const payload = (err as { payload?: unknown }).payload;
        throw new GuestConfigError(stage, typeof payload === 'string' ? payload : (err as Error).message);
      }
    } else if (this.spec.config.length) {
      throw new GuestConfigError(stage, 'the component takes no configuration (it does not export config)');
    }
    let core: CoreExports | undefined;
    if (this.binding === 'codec') {
      const found = recorder.find(component.canon);
      // The first instance decides (plan() reads the binding after it); a later one must agree.
      if (typeof found === 'string' && this.replaced === 0 && !this.#instance) this.#codecFailure = found;
      else if (typeof found === 'string')
        throw new ComponentLoadError(`stage '${stage}': the codec could not find the core exports behind the handlers: ${found}`);
      else core = found;
    }
    return { core, onRequest: exports[REQUEST_HANDLER]?.onRequest, onResponse: exports[RESPONSE_HANDLER]?.onResponse };
  }

  /** The live instance, or a promise of its replacement while one is being made. */
  instance(): Instance | Promise<Instance> {
    if (this.#instance) return this.#instance;
    if (this.#pending) return this.#pending;
    const now = this.#now();
    // A replacement that keeps failing is not retried per request (that would peg the CPU):
    // until the backoff runs out, requests are refused at once.
    // (A wait longer than the cap means the clock went back: retry now.)
    if (now < this.#retryAt && this.#retryAt - now <= REINSTANTIATE_BACKOFF.maxMs) {
      this.failures++;
      return Promise.reject(new StageUnavailableError(this.spec.stage, this.#retryAt - now, { cause: this.#lastError }));
    }
    this.#pending = this.#instantiate().then(
      (inst) => {
        this.#instance = inst;
        this.#pending = undefined;
        this.#attempts = 0;
        return inst;
      },
      (err) => {
        this.#pending = undefined;
        const wait = Math.min(REINSTANTIATE_BACKOFF.baseMs * 2 ** this.#attempts, REINSTANTIATE_BACKOFF.maxMs);
        this.#attempts++;
        this.#retryAt = this.#now() + wait;
        this.#lastError = err;
        this.failures++;
        this.spec.host.logger.error(`stage '${this.spec.stage}' could not be re-instantiated; next attempt in ${wait} ms`, { error: String(err) });
        throw new StageUnavailableError(this.spec.stage, wait, { cause: err });
      },
    );
    return this.#pending;
  }

  #now(): number {
    return this.spec.now ? this.spec.now() : performance.now();
  }

  /** The live instance's core exports, or undefined while it is being replaced. */
  get core(): CoreExports | undefined {
    return this.#instance?.core;
  }

  /** Drop the instance after a failed call and turn the failure into a witline error. */
  fail(err: unknown): never {
    this.#instance = undefined;
    this.replaced++;
    this.failures++;
    // Start the replacement now so the next request does not pay for it (a failure is logged there).
    void Promise.resolve(this.instance()).catch(() => {});
    if (err instanceof DeadlineExceeded) throw new StageTimeoutError([this.spec.stage], this.spec.timeoutMs ?? 0);
    if (err instanceof AbiError || err instanceof TypeError) throw new GuestInvalidOutputError(this.spec.stage, err.message);
    throw new GuestTrapError(this.spec.stage, { cause: err });
  }

  /** jco's bindings of a component-model-async guest answer with a promise: its rejection is a failed call too. */
  #settled<T>(out: T | Promise<T>): T | Promise<T> {
    return out instanceof Promise ? out.then(undefined, (err) => this.fail(err)) : out;
  }

  /** Run the request phase; synchronous unless the instance is being replaced. */
  onRequest(req: WitRequest, ctx?: RequestContext): WitAction | Promise<WitAction> {
    this.resident?.evacuate();
    const inst = this.#instance;
    if (!inst) return Promise.resolve(this.instance()).then(() => this.onRequest(req, ctx));
    // The context capability answers for the request being run, during the call only; the stage's deadline runs meanwhile.
    const call = this.spec.host.call;
    const outer = call.enter(ctx);
    const outerDeadline = call.deadline.enter(this.spec.timeoutMs ?? 0);
    try {
      return this.guard(this.#callRequest, this, inst, req);
    } catch (err) {
      this.fail(err);
    } finally {
      call.deadline.leave(outerDeadline);
      call.leave(outer);
    }
  }

  #callRequest(inst: Instance, req: WitRequest): WitAction | Promise<WitAction> {
    const core = inst.core;
    if (!core) return this.#settled(inst.onRequest!(req));
    const a = this.args;
    lowerRequest(core.mem, req, a, 0);
    const ptr = core.onRequest!(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]);
    core.mem.refresh();
    const action = liftAction(core.mem, ptr, this.spec.lift);
    core.postOnRequest?.(ptr);
    return action;
  }

  /** Run the response phase; synchronous unless the instance is being replaced. */
  onResponse(req: WitRequest, resp: WitResponse, ctx?: RequestContext): WitResponse | Promise<WitResponse> {
    this.resident?.evacuate();
    const inst = this.#instance;
    if (!inst) return Promise.resolve(this.instance()).then(() => this.onResponse(req, resp, ctx));
    const call = this.spec.host.call;
    const outer = call.enter(ctx);
    const outerDeadline = call.deadline.enter(this.spec.timeoutMs ?? 0);
    try {
      return this.guard(this.#callResponse, this, inst, req, resp);
    } catch (err) {
      this.fail(err);
    } finally {
      call.deadline.leave(outerDeadline);
      call.leave(outer);
    }
  }

  #callResponse(inst: Instance, req: WitRequest, resp: WitResponse): WitResponse | Promise<WitResponse> {
    const core = inst.core;
    if (!core) return this.#settled(inst.onResponse!(req, resp));
    const a = this.args;
    lowerRequest(core.mem, req, a, 0);
    lowerResponse(core.mem, resp, a, REQUEST_FLAT);
    const ptr = core.onResponse!(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13]);
    core.mem.refresh();
    const out = liftResponse(core.mem, ptr, this.spec.lift);
    core.postOnResponse?.(ptr);
    return out;
  }
}

/** The watchdog's frame; load.ts asks for the watchdog only where it loaded. */
function watchdogRun(timeoutMs: number): Guard {
  watchedTimeout(timeoutMs);
  const w = watchdog();
  if (!w) throw new Error('the watchdog is not available on this thread');
  return w.run;
}
