import type { Capability } from '../host/capabilities.js';
import { hostImports, type HostServices } from '../host/imports.js';
import type { Transpiled } from './cache.js';
import type { WitAction, WitRequest, WitResponse } from '../types.js';
import { ComponentLoadError, GuestConfigError, GuestInvalidOutputError, GuestTrapError } from '../errors.js';

const REQUEST_HANDLER = 'witline:middleware/request-handler@0.1.0';
const RESPONSE_HANDLER = 'witline:middleware/response-handler@0.1.0';
const CONFIG = 'witline:middleware/config@0.1.0';

interface Instance {
  onRequest?: (req: WitRequest) => WitAction;
  onResponse?: (req: WitRequest, resp: WitResponse) => WitResponse;
}

/** What a stage's guest is built from; everything needed to make a fresh instance. */
export interface GuestSpec {
  stage: string;
  component: Transpiled;
  config: ReadonlyArray<readonly [string, string]>;
  capabilities: readonly Capability[];
  phases: { request: boolean; response: boolean; configure: boolean };
  host: HostServices;
}

/**
 * One stage's live guest instance. Calls are synchronous, so one instance serves every
 * request of the thread in turn. A call that throws (a trap, or a value jco cannot lift)
 * leaves the instance in an unknown state: it is dropped at once, never re-entered, and a
 * replacement is instantiated from the already-compiled core modules.
 */
export class Guest {
  readonly spec: GuestSpec;
  #instance: Instance | undefined;
  #pending: Promise<Instance> | undefined;
  /** How many instances were dropped after a failed call. */
  replaced = 0;

  private constructor(spec: GuestSpec) {
    this.spec = spec;
  }

  /** Instantiate and configure the first instance; configuration errors surface here. */
  static async create(spec: GuestSpec): Promise<Guest> {
    const g = new Guest(spec);
    g.#instance = await g.#instantiate();
    return g;
  }

  async #instantiate(): Promise<Instance> {
    const { component, stage, capabilities, host } = this.spec;
    let exports: Record<string, any>;
    try {
      exports = await component.instantiate((name) => {
        const m = component.cores.get(name);
        if (!m) throw new Error(`missing core module ${name}`);
        return m;
      }, hostImports(stage, capabilities, host));
    } catch (err) {
      throw new ComponentLoadError(`stage '${stage}' failed to instantiate: ${(err as Error).message}`, { cause: err });
    }
    if (this.spec.phases.configure) {
      let result: unknown;
      try {
        result = exports[CONFIG].configure(this.spec.config.map(([k, v]) => [k, v]));
      } catch (err) {
        // jco throws the `err` arm of a result as a ComponentError with the payload.
        const payload = (err as { payload?: unknown }).payload;
        if (typeof payload === 'string') throw new GuestConfigError(stage, payload);
        throw new GuestConfigError(stage, (err as Error).message);
      }
      void result;
    } else if (this.spec.config.length) {
      throw new GuestConfigError(stage, 'the component takes no configuration (it does not export config)');
    }
    return { onRequest: exports[REQUEST_HANDLER]?.onRequest, onResponse: exports[RESPONSE_HANDLER]?.onResponse };
  }

  /** The live instance, or a promise of its replacement while one is being made. */
  instance(): Instance | Promise<Instance> {
    if (this.#instance) return this.#instance;
    if (!this.#pending) {
      this.#pending = this.#instantiate().then(
        (inst) => {
          this.#instance = inst;
          this.#pending = undefined;
          return inst;
        },
        (err) => {
          this.#pending = undefined;
          throw err;
        },
      );
    }
    return this.#pending;
  }

  #fail(err: unknown): never {
    this.#instance = undefined;
    this.replaced++;
    // Start the replacement now so the next request does not pay for it.
    void Promise.resolve(this.instance()).catch((e) => this.spec.host.logger.error(`stage '${this.spec.stage}' could not be re-instantiated`, { error: String(e) }));
    if (err instanceof WebAssembly.RuntimeError || err instanceof RangeError) throw new GuestTrapError(this.spec.stage, { cause: err });
    if (err instanceof TypeError || (err instanceof Error && /invalid|lift|utf-?8|discriminant/i.test(err.message))) {
      throw new GuestInvalidOutputError(this.spec.stage, err.message);
    }
    throw new GuestTrapError(this.spec.stage, { cause: err });
  }

  /** Run the request phase; synchronous unless the instance is being replaced. */
  onRequest(req: WitRequest): WitAction | Promise<WitAction> {
    const inst = this.#instance;
    if (!inst) return Promise.resolve(this.instance()).then(() => this.onRequest(req));
    try {
      return inst.onRequest!(req);
    } catch (err) {
      this.#fail(err);
    }
  }

  /** Run the response phase; synchronous unless the instance is being replaced. */
  onResponse(req: WitRequest, resp: WitResponse): WitResponse | Promise<WitResponse> {
    const inst = this.#instance;
    if (!inst) return Promise.resolve(this.instance()).then(() => this.onResponse(req, resp));
    try {
      return inst.onResponse!(req, resp);
    } catch (err) {
      this.#fail(err);
    }
  }
}
