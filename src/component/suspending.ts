import { REQUEST_FLAT, RESPONSE_FLAT } from '../abi/layout.js';
import { liftAction, liftResponse } from '../abi/lift.js';
import { lowerRequest, lowerResponse } from '../abi/lower.js';
import { AbiError } from '../abi/memory.js';
import { ComponentLoadError, GuestInvalidOutputError, GuestTrapError, WitlineError } from '../core/errors.js';
import type { RequestContext, WitAction, WitRequest, WitResponse } from '../core/types.js';
import { coreModule } from '../host/core-imports.js';
import type { AsyncKvStore } from '../host/async-kv.js';
import { CallContext } from '../host/call-context.js';
import { promising, suspendingKvImports } from '../host/suspending-kv.js';
import type { CoreExports } from './core.js';
import { configureDirect, instantiateDirect, type DirectPlan } from './direct.js';
import type { GuestSpec } from './guest.js';

/** One instance of a suspending stage, with its own call context and argument buffer. */
interface Live {
  core: CoreExports;
  call: CallContext;
  args: Int32Array;
  onRequest?: (...args: number[]) => Promise<number>;
  onResponse?: (...args: number[]) => Promise<number>;
}

// Instances of one stage at most: as many requests of the stage may be waiting on the
// store at once; the next ones queue for an instance. Each holds its own linear memory.
const MAX_INSTANCES = 128;

/**
 * The guests of a stage whose `kv` host calls suspend (JSPI, on an asynchronous store).
 * A suspended guest is in the middle of a call, so it cannot serve another request until
 * it resumes: each request takes an instance of its own from a free list (made on demand,
 * from the already compiled module: one `new WebAssembly.Instance`), and gives it back
 * when its call returns. Each instance has its own call context, entered for the whole
 * call, across its suspensions: `context` answers for the request that instance serves.
 * A call that fails (a trap, a store failure thrown into the guest) drops its instance.
 */
export class SuspendingInstances {
  readonly #spec: GuestSpec;
  readonly #plan: DirectPlan;
  readonly #kv: AsyncKvStore;
  readonly #free: Live[] = [];
  readonly #queue: Array<(l: Live) => void> = [];
  #count = 0;
  /** Instances dropped after a failed call. */
  replaced = 0;

  constructor(spec: GuestSpec, plan: DirectPlan, kv: AsyncKvStore) {
    this.#spec = spec;
    this.#plan = plan;
    this.#kv = kv;
  }

  /** Make the first instance now, so that instantiation and configuration errors surface at load. */
  warm(): void {
    this.#free.push(this.#make());
  }

  #make(): Live {
    const { stage, capabilities, phases, config } = this.#spec;
    const call = new CallContext();
    const host = { ...this.#spec.host, call };
    const failures = this.#spec.host.storeFailures;
    let made;
    try {
      made = instantiateDirect(this.#plan, this.#spec.component, stage, capabilities, host, (imports, memory) => {
        imports[coreModule('kv')] = suspendingKvImports(this.#kv, memory, (err) => failures?.count(stage, err)) as WebAssembly.ModuleImports;
        return imports;
      });
    } catch (err) {
      throw new ComponentLoadError(`stage '${stage}' failed to instantiate: ${(err as Error).message}`, { cause: err });
    }
    // configure is called directly: a kv call there cannot suspend, and traps (a config error).
    configureDirect(stage, made, phases.configure, config);
    const { core } = made;
    this.#count++;
    return {
      core,
      call,
      args: new Int32Array(REQUEST_FLAT + RESPONSE_FLAT),
      onRequest: core.onRequest && promising(core.onRequest),
      onResponse: core.onResponse && promising(core.onResponse),
    };
  }

  #acquire(): Live | Promise<Live> {
    const l = this.#free.pop();
    if (l) return l;
    if (this.#count < MAX_INSTANCES) return this.#make();
    return new Promise((resolve) => this.#queue.push(resolve));
  }

  #release(l: Live): void {
    const next = this.#queue.shift();
    if (next) next(l);
    else this.#free.push(l);
  }

  /** Drop a failed instance; a waiting request gets a fresh one. */
  #drop(err: unknown): WitlineError {
    this.#count--;
    this.replaced++;
    const next = this.#queue.shift();
    if (next) {
      try {
        next(this.#make());
      } catch (e) {
        this.#spec.host.logger.error(`stage '${this.#spec.stage}' could not be re-instantiated`, { error: String(e) });
        this.#queue.unshift(next);
      }
    }
    if (err instanceof WitlineError) return err;
    if (err instanceof AbiError || err instanceof TypeError) return new GuestInvalidOutputError(this.#spec.stage, err.message);
    return new GuestTrapError(this.#spec.stage, { cause: err });
  }

  async #run<T>(ctx: RequestContext | undefined, call: (l: Live) => Promise<T>): Promise<T> {
    const l = await this.#acquire();
    l.call.enter(ctx);
    let out: T;
    try {
      out = await call(l);
    } catch (err) {
      l.call.leave();
      throw this.#drop(err);
    }
    l.call.leave();
    this.#release(l);
    return out;
  }

  /** The request phase; the promise settles once every kv call of it has been answered. */
  onRequest(req: WitRequest, ctx?: RequestContext): Promise<WitAction> {
    return this.#run(ctx, async (l) => {
      const { core, args: a } = l;
      lowerRequest(core.mem, req, a, 0);
      const ptr = await l.onRequest!(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]);
      core.mem.refresh();
      const action = liftAction(core.mem, ptr);
      core.postOnRequest?.(ptr);
      return action;
    });
  }

  /** The response phase, likewise. */
  onResponse(req: WitRequest, resp: WitResponse, ctx?: RequestContext): Promise<WitResponse> {
    return this.#run(ctx, async (l) => {
      const { core, args: a } = l;
      lowerRequest(core.mem, req, a, 0);
      lowerResponse(core.mem, resp, a, REQUEST_FLAT);
      const ptr = await l.onResponse!(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13]);
      core.mem.refresh();
      const out = liftResponse(core.mem, ptr);
      core.postOnResponse?.(ptr);
      return out;
    });
  }
}
