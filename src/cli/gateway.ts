import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger as Pino } from 'pino';
import type { Pipeline } from '../index.js';
import { edgeServerOptions } from '../http/listen-options.js';
import { buildPipeline, type BuiltStages, type Overrides } from './build.js';
import type { LoadedConfig } from './config.js';
import { pipelineLogger } from './log.js';
import type { CliMetrics } from './metrics.js';

/** `http://host:port` of a listening server. */
export function urlOf(a: ReturnType<Server['address']>): string {
  if (a === null || typeof a === 'string') return String(a);
  return `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
}

/**
 * One loaded pipeline and its node:http listeners (`p.requestListener()`): the CLI's own
 * server hands each request to the generation serving when it arrived. A change to the
 * stages alone is applied inside the pipeline (`p.replace`), so the generation stays; a
 * change to anything else (stages added, removed or reordered, the upstream, limits)
 * starts a new generation.
 */
export class Generation {
  #inFlight = 0;
  #idle: (() => void) | undefined;
  readonly listener: (req: IncomingMessage, res: ServerResponse) => void;
  readonly clientError: (err: Error, socket: Socket) => void;

  private constructor(
    readonly pipeline: Pipeline,
    /** What it serves now (a replace updates them). */
    public built: BuiltStages,
    public loaded: LoadedConfig,
  ) {
    this.listener = pipeline.requestListener();
    this.clientError = pipeline.clientErrorListener();
  }

  /** Build, load and configure every stage; rejects (and leaves nothing running) if any fails. */
  static async start(loaded: LoadedConfig, log: Pino, overrides: Overrides): Promise<Generation> {
    const { pipeline, built } = buildPipeline(loaded, pipelineLogger(log), overrides);
    try {
      await pipeline.ready();
      return new Generation(pipeline, built, loaded);
    } catch (err) {
      await pipeline.close();
      throw err;
    }
  }

  /**
   * Replace the stages at `changed` with those of `next` (same stages by name and order,
   * nothing else changed), one by one. Resolves to the indexes replaced; on a stage that
   * fails to load it rejects, and the ones before it stay replaced (`done` says which).
   */
  async replace(next: LoadedConfig, built: BuiltStages, changed: readonly number[], done: (i: number) => void): Promise<void> {
    for (const i of changed) {
      await this.pipeline.replace(this.built.stages[i].name, built.stages[i]);
      done(i);
    }
    this.built = built;
    this.loaded = next;
  }

  enter(): void {
    this.#inFlight++;
  }

  leave(): void {
    if (--this.#inFlight === 0) this.#idle?.();
  }

  /** Close the pipeline once the requests it took have been answered. */
  async retire(): Promise<void> {
    if (this.#inFlight > 0) await new Promise<void>((resolve) => (this.#idle = resolve));
    await this.pipeline.close();
  }
}

/**
 * The CLI's server: it counts and logs every request, and hands it to the generation
 * serving when the request arrived. Swapping generations is one assignment, so a request
 * is served whole by the old pipeline or whole by the new one.
 */
export class Gateway {
  readonly server: Server;
  #current: Generation;

  constructor(
    first: Generation,
    readonly log: Pino,
    readonly metrics?: CliMetrics,
  ) {
    this.#current = first;
    // The server's settings are fixed when it is made (a reload that changes them needs a
    // restart): the parser's header cap, and the same slow-client timeouts and connection cap as `listen()`.
    const { server, maxConnections } = edgeServerOptions(first.loaded.config.listen ?? {}, first.pipeline.limits.maxHeaderBytes);
    this.server = createServer(server, (req, res) => this.#dispatch(req, res));
    if (maxConnections !== undefined) this.server.maxConnections = maxConnections;
    this.server.on('clientError', (err: Error, socket: Socket) => this.#current.clientError(err, socket));
  }

  get current(): Generation {
    return this.#current;
  }

  #dispatch(req: IncomingMessage, res: ServerResponse): void {
    const gen = this.#current;
    const t0 = performance.now();
    gen.enter();
    res.once('close', () => {
      gen.leave();
      const status = res.writableFinished ? res.statusCode : 499;
      this.metrics?.requests.inc({ status: String(status) });
      this.log.info({ method: req.method, url: req.url, status, ms: Math.round((performance.now() - t0) * 1000) / 1000 }, 'request');
    });
    gen.listener(req, res);
  }

  async listen(port: number, host: string): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return urlOf(this.server.address());
  }

  /**
   * Serve new requests from `next`; resolves once the previous generation has answered
   * what it took and is closed.
   */
  async swap(next: Generation): Promise<void> {
    const old = this.#current;
    this.#current = next;
    await old.retire();
  }

  /** Stop accepting, let requests in flight finish, close the pipeline. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    await this.#current.retire();
    this.server.closeAllConnections(); // keep-alive connections left idle by the last answers
    await closed;
  }
}
