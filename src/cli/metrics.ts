import { createServer, type Server } from 'node:http';
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { Pipeline, PoolDescription } from '../index.js';
import { bridgeOpenTelemetry } from './otel-bridge.js';

const POOL_FIELDS = ['threads', 'running', 'queued', 'completed', 'timeouts', 'cancelled', 'crashed', 'busy'] as const satisfies ReadonlyArray<
  keyof PoolDescription
>;

/**
 * What the CLI exposes to Prometheus: request counts by status (recorded by the server
 * wrapper), config reloads, what `p.describe()` counts, read at scrape time from the
 * pipeline serving now, and the pipeline's OpenTelemetry metrics (otel-bridge.ts).
 */
export class CliMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'status'>;
  readonly reloads: Counter<'result'>;

  constructor(current: () => Pipeline | undefined) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'witline_http_requests_total',
      help: 'Requests answered, by status (499: the client went away first).',
      labelNames: ['status'],
      registers,
    });
    this.reloads = new Counter({
      name: 'witline_config_reloads_total',
      help: 'Config reloads by --watch, by result (applied, rejected).',
      labelNames: ['result'],
      registers,
    });
    new Gauge({
      name: 'witline_stage_replaced_instances',
      help: 'Guest instances replaced after a trap, per stage, in the pipeline serving now.',
      labelNames: ['stage'],
      registers,
      collect() {
        this.reset();
        for (const s of current()?.describe().stages ?? []) this.set({ stage: s.name }, s.replacedInstances);
      },
    });
    for (const field of POOL_FIELDS) {
      new Gauge({
        name: `witline_pool_${field}`,
        help: `Worker pool ${field}, per pooled segment (its stages joined by '+'), in the pipeline serving now.`,
        labelNames: ['stages'],
        registers,
        collect() {
          this.reset();
          for (const seg of current()?.describe().segments ?? []) if (seg.pool) this.set({ stages: seg.stages.join('+') }, seg.pool[field]);
        },
      });
    }
    // After the CLI's own families, so that theirs win where both would have a name.
    bridgeOpenTelemetry(this.registry);
  }

  /** In a cluster worker: answer the primary's scrapes with this registry. */
  shareWithPrimary(): void {
    new AggregatorRegistry(); // in a worker, this is what makes prom-client answer the primary's requests
    AggregatorRegistry.setRegistries([this.registry]);
  }
}

/** Serve `GET /metrics` on its own port; `text` renders the exposition. */
export async function listenMetrics(render: () => Promise<{ contentType: string; body: string }>, port: number, host = '127.0.0.1'): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || new URL(req.url ?? '/', 'http://x').pathname !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try GET /metrics\n');
      return;
    }
    render().then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${err.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

/** The renderer of a single process's registry. */
export const renderRegistry = (registry: Registry) => async () => ({ contentType: registry.contentType, body: await registry.metrics() });

/** The renderer of a cluster primary: every worker's registry, summed. */
export function renderCluster(): () => Promise<{ contentType: string; body: string }> {
  const aggregator = new AggregatorRegistry();
  return async () => ({ contentType: aggregator.contentType, body: await aggregator.clusterMetrics() });
}
