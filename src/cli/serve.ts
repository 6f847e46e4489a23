import cluster from 'node:cluster';
import { resolve } from 'node:path';
import type { Logger as Pino } from 'pino';
import { buildStages, fingerprint, type Overrides } from './build.js';
import { ConfigFileError, loadConfig, type LoadedConfig } from './config.js';
import { Gateway, Generation, urlOf } from './gateway.js';
import { CliMetrics, listenMetrics, renderCluster, renderRegistry } from './metrics.js';
import { FileWatch, serialized } from './watch.js';

export interface ServeOptions {
  configFile: string;
  watch: boolean;
  overrides: Overrides;
  log: Pino;
}

/** How a failure is logged: a config file's issues one by one, anything else by its message and code. */
export function errorFields(err: unknown): Record<string, unknown> {
  if (err instanceof ConfigFileError) return { file: err.file, issues: err.issues };
  const e = err as { message?: string; code?: string };
  return { error: e?.message ?? String(err), code: e?.code };
}

// What a reload cannot change in a running process: the sockets and the process count.
const restartOnly = (c: LoadedConfig['config']) => JSON.stringify([c.listen, c.workers, c.metrics]);

/**
 * `witline serve`: one process serving the config, or (with `workers` > 1) a cluster
 * primary forking that many processes that each serve it on the shared port.
 */
export async function serve(opts: ServeOptions): Promise<void> {
  const loaded = await loadConfig(opts.configFile);
  const workers = loaded.config.workers ?? 1;
  if (cluster.isPrimary && workers > 1) return primary(loaded, workers, opts.log);
  await serveHere(loaded, opts);
}

/** What a worker tells the primary once its server listens (over the cluster's IPC channel). */
interface ListeningMessage {
  witline: 'listening';
  url: string;
  stages: string[];
  upstream: string | null;
}
const isListening = (m: unknown): m is ListeningMessage => (m as ListeningMessage | null)?.witline === 'listening';

async function primary(loaded: LoadedConfig, workers: number, log: Pino): Promise<void> {
  const metrics = loaded.config.metrics;
  let stopping = false;
  const ready = new Set<number>();
  cluster.on('message', (worker, message: unknown) => {
    if (!isListening(message) || ready.has(worker.id)) return;
    ready.add(worker.id);
    // The same `listening` line as a single process, once every worker serves.
    if (ready.size === workers) log.info({ url: message.url, stages: message.stages, upstream: message.upstream, workers }, 'listening');
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    // A worker that died before it served would die again (a component that cannot load): give up rather than loop.
    if (!ready.has(worker.id)) {
      log.error({ worker: worker.process.pid, code, signal }, 'a worker exited before it listened; stopping');
      stop(1);
      return;
    }
    log.error({ worker: worker.process.pid, code, signal }, 'worker exited; starting another');
    ready.delete(worker.id);
    cluster.fork();
  });
  for (let i = 0; i < workers; i++) cluster.fork();
  if (metrics) {
    const server = await listenMetrics(renderCluster(), metrics.port, metrics.host);
    log.info({ url: urlOf(server.address()) + '/metrics' }, 'metrics listening');
  }
  const stop = (code = 0) => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    cluster.disconnect(() => process.exit(code));
  };
  process.once('SIGINT', () => stop());
  process.once('SIGTERM', () => stop());
}

async function serveHere(loaded: LoadedConfig, opts: ServeOptions): Promise<void> {
  const { log, overrides } = opts;
  const first = await Generation.start(loaded, log, overrides);
  const metrics = loaded.config.metrics || cluster.isWorker ? new CliMetrics(() => gateway.current.pipeline) : undefined;
  const gateway: Gateway = new Gateway(first, log, metrics);
  const c = loaded.config;
  const url = await gateway.listen(overrides.port ?? c.listen?.port ?? 8080, overrides.host ?? c.listen?.host ?? '127.0.0.1');
  const listening = { url, stages: first.built.stages.map((s) => s.name), upstream: overrides.upstream ?? c.upstream ?? null };
  if (cluster.isWorker) {
    // The primary logs `listening` once every worker does.
    log.info(listening, 'worker listening');
    process.send?.({ witline: 'listening', ...listening } satisfies ListeningMessage);
  } else log.info(listening, 'listening');
  if (metrics && cluster.isWorker) metrics.shareWithPrimary();
  else if (metrics && c.metrics) {
    const server = await listenMetrics(renderRegistry(metrics.registry), c.metrics.port, c.metrics.host);
    log.info({ url: urlOf(server.address()) + '/metrics' }, 'metrics listening');
  }

  let applied = await fingerprint(loaded);
  let watcher: FileWatch | undefined;
  if (opts.watch) {
    const reload = serialized(async () => {
      const files = new Set([opts.configFile, ...gateway.current.built.files]);
      try {
        const next = await loadConfig(opts.configFile);
        for (const e of next.config.stages) if ('component' in e) files.add(resolve(next.dir, e.component));
        const print = await fingerprint(next);
        if (print.rest === applied.rest && print.stages.join() === applied.stages.join()) return log.debug('config unchanged');
        if (restartOnly(next.config) !== restartOnly(gateway.current.loaded.config))
          log.warn('listen, workers and metrics changes take effect on restart only');
        const changed = next.config.stages.map((_, i) => (print.stages[i] !== applied.stages[i] ? i : -1)).filter((i) => i >= 0);
        const current = gateway.current;
        const built = buildStages(next);
        const names = (b: typeof built) => b.stages.map((s) => s.name).join('\0');
        if (print.rest === applied.rest && names(built) === names(current.built)) {
          // The same stages, in the same order, and nothing else changed: replace the changed ones in the running pipeline.
          const seen = applied;
          await current.replace(next, built, changed, (i) => (seen.stages[i] = print.stages[i]));
          applied = print;
          metrics?.reloads.inc({ result: 'applied' });
          log.info({ stages: built.stages.map((s) => s.name), changed: changed.map((i) => built.stages[i].name), replaced: true }, 'config reloaded');
          return;
        }
        const gen = await Generation.start(next, log, overrides);
        const retired = gateway.swap(gen);
        applied = print;
        metrics?.reloads.inc({ result: 'applied' });
        log.info({ stages: gen.built.stages.map((s) => s.name), changed: changed.map((i) => gen.built.stages[i].name) }, 'config reloaded');
        await retired;
        log.info('previous pipeline closed');
      } catch (err) {
        metrics?.reloads.inc({ result: 'rejected' });
        log.error(errorFields(err), 'config rejected; the previous pipeline keeps serving');
      } finally {
        watcher?.set([...files, ...gateway.current.built.files]);
      }
    });
    watcher = new FileWatch(reload);
    watcher.set([opts.configFile, ...first.built.files]);
    log.info({ file: loaded.file }, 'watching the config and its components');
  }

  const stop = async () => {
    watcher?.close();
    await gateway.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
