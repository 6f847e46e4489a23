import type { Guest } from '../component/guest.js';
import type { WorldShape } from '../component/policy.js';
import { InvalidConfigError, PipelineClosedError } from '../core/errors.js';
import type { Logger } from '../host/log.js';
import type { PlacementReason } from './async-kv.js';
import { loadGuest, type Planner } from './load.js';
import { Generation, prepareReplacement, type Installed } from './replace.js';
import type { Stage } from './stage.js';
import { loadTracing, watchPipeline } from './trace.js';
import type { PipelineDescription } from './describe.js';

/**
 * A pipeline's stages as they are loaded now: their guests, what was judged of each
 * component, and the generation of segments requests enter. Loading installs the first
 * generation; a hot replace (one at a time) installs the next in one assignment. The
 * pipeline routes requests through {@link generation}; this object owns everything else.
 */
export class StageChain {
  #stages: readonly Stage[];
  #guests: Guest[] = [];
  #shapes: WorldShape[] = [];
  #asyncKv: boolean[] = [];
  #reasons: Array<PlacementReason | undefined> = [];
  #gen = new Generation([]);
  // Whether any stage reads responses (the edge streams an upstream body only when none does).
  #hasResponsePhase = false;
  #ready: Promise<void> | undefined;
  // Replacements run one at a time; old segments still closing are awaited by close().
  #replacing: Promise<unknown> = Promise.resolve();
  readonly #retiring = new Set<Promise<void>>();
  #unwatch: (() => void) | undefined;
  /** Set once every stage is loaded: requests then skip the `ready()` promise. */
  loaded = false;

  constructor(
    stages: readonly Stage[],
    readonly planner: Planner,
    readonly logger: Logger,
  ) {
    this.#stages = stages;
  }

  get stages(): readonly Stage[] {
    return this.#stages;
  }
  get guests(): readonly Guest[] {
    return this.#guests;
  }
  get shapes(): readonly WorldShape[] {
    return this.#shapes;
  }
  get reasons(): ReadonlyArray<PlacementReason | undefined> {
    return this.#reasons;
  }
  /** The segments new requests enter (a request keeps the generation it entered to its end). */
  get generation(): Generation {
    return this.#gen;
  }
  get hasResponsePhase(): boolean {
    return this.#hasResponsePhase;
  }

  /** Load every stage once; `describe` feeds the metrics that observe the pipeline. */
  ready(describe: () => PipelineDescription): Promise<void> {
    this.#ready ??= this.#load(describe);
    return this.#ready;
  }

  async #load(describe: () => PipelineDescription): Promise<void> {
    // The tracing module (and @opentelemetry/api, if installed) loads once per process, here rather than per request.
    await loadTracing();
    const loaded = await Promise.all(this.#stages.map((s) => loadGuest(s, this.planner.settings)));
    const guests = loaded.map((l) => l.guest);
    const asyncKv = loaded.map((l) => l.asyncKv);
    const { segments, reasons } = await this.planner.plan(this.#stages, guests, asyncKv);
    try {
      await Promise.all(segments.map((s) => s.start?.()));
    } catch (err) {
      await Promise.all(segments.map((s) => s.close?.()));
      throw err;
    }
    this.#install({ stages: this.#stages, guests, shapes: loaded.map((l) => l.shape), asyncKv, reasons, segments });
    this.#unwatch = watchPipeline(describe);
    this.loaded = true;
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

  /** See {@link Pipeline.replace}; `closed` tells whether the pipeline was closed meanwhile. */
  replace(name: string, next: Stage, ready: () => Promise<void>, closed: () => boolean): Promise<void> {
    const run = this.#replacing.then(() => this.#replace(name, next, ready, closed));
    this.#replacing = run.catch(() => {});
    return run;
  }

  async #replace(name: string, next: Stage, ready: () => Promise<void>, closed: () => boolean): Promise<void> {
    if (next?.kind !== 'witline.stage') throw new InvalidConfigError(`replace('${name}'): the new stage is not a stage (use stage() or a middleware factory)`);
    await ready();
    if (closed()) throw new PipelineClosedError();
    const i = this.#stages.findIndex((s) => s.name === name);
    if (i < 0) throw new InvalidConfigError(`replace: no stage named '${name}' (stages: ${this.#stages.map((s) => s.name).join(', ')})`);
    const current = { stages: this.#stages, guests: this.#guests, shapes: this.#shapes, asyncKv: this.#asyncKv, reasons: this.#reasons };
    const { fresh, ...prepared } = await prepareReplacement({ ...current, segments: this.#gen.segments }, i, next, this.planner);
    if (closed()) {
      await Promise.all(fresh.map((s) => s.close?.()));
      throw new PipelineClosedError();
    }
    const old = this.#install(prepared);
    const retired = this.#gen.retire(old).catch((err: unknown) => this.logger.error('a replaced segment failed to close', { error: String(err) }));
    this.#retiring.add(retired);
    void retired.finally(() => this.#retiring.delete(retired));
  }

  /** Stop what the stages hold (pools): a load or replace still in progress is let finish so its pools are stopped too. */
  async close(): Promise<void> {
    await this.#ready?.catch(() => {});
    await this.#replacing;
    this.#unwatch?.();
    await Promise.all([...this.#retiring]);
    await Promise.all(this.#gen.segments.map((s) => s.close?.()));
  }
}
