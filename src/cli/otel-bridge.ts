import { metrics } from '@opentelemetry/api';
import { DataPointType, MeterProvider, MetricReader, type Histogram, type MetricData } from '@opentelemetry/sdk-metrics';
import type { Registry } from 'prom-client';
import { INSTRUMENTS } from '../pipeline/otel.js';

/**
 * The library records its metrics through `@opentelemetry/api`; the CLI serves prom-client's
 * registry, because prom-client's cluster aggregation is what sums the workers' metrics on
 * the primary. So rather than a second exporter (`@opentelemetry/exporter-prometheus`,
 * whose output the primary could not sum), the CLI registers an OpenTelemetry
 * MeterProvider whose reader is collected at scrape time, and each witline instrument
 * appears in the registry as a family of its own, with Prometheus names (`.` → `_`, the
 * unit as a suffix, `_total` on counters) and the same label names.
 */

/** Collected on demand, at scrape time: no timer, no export interval. */
class ScrapeReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

type Labels = Record<string, string | number>;
interface Value {
  metricName?: string;
  labels: Labels;
  value: number;
}

const labelsOf = (attributes: Record<string, unknown>): Labels =>
  Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k.replace(/\./g, '_'), typeof v === 'number' ? v : String(v)]));

/** A Prometheus family name: dots to underscores, seconds spelled out, `{annotation}` units dropped, `_total` on counters. */
export function promName(name: string, unit: string, kind: 'histogram' | 'counter' | 'gauge'): string {
  const base = name.replace(/\./g, '_') + (unit === 's' ? '_seconds' : '');
  return kind === 'counter' ? `${base}_total` : base;
}

function values(data: MetricData | undefined, name: string): Value[] {
  if (!data) return [];
  if (data.dataPointType !== DataPointType.HISTOGRAM) return data.dataPoints.map((d) => ({ labels: labelsOf(d.attributes), value: d.value as number }));
  return data.dataPoints.flatMap((d) => {
    const labels = labelsOf(d.attributes);
    const h = d.value as Histogram;
    let count = 0;
    const buckets = h.buckets.boundaries.map((le, i) => ({ metricName: `${name}_bucket`, labels: { ...labels, le }, value: (count += h.buckets.counts[i]) }));
    return [
      ...buckets,
      { metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: h.count },
      { metricName: `${name}_sum`, labels, value: h.sum ?? 0 },
      { metricName: `${name}_count`, labels, value: h.count },
    ];
  });
}

/**
 * Register the MeterProvider witline's pipelines record into (in this process), and
 * show its instruments in `registry`. A family the registry already has (the CLI's own
 * `witline_pool_*` gauges, read from `p.describe()`) keeps the CLI's definition.
 */
export function bridgeOpenTelemetry(registry: Registry): void {
  const reader = new ScrapeReader();
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  for (const [otelName, d] of Object.entries(INSTRUMENTS)) {
    const name = promName(otelName, d.unit, d.kind);
    if (registry.getSingleMetric(name)) continue;
    // The shape prom-client's registry reads from a metric (and its cluster aggregator sums).
    registry.registerMetric({
      name,
      help: d.description,
      type: d.kind,
      aggregator: 'sum',
      async get() {
        const { resourceMetrics } = await reader.collect();
        const data = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === otelName);
        return { name, help: d.description, type: d.kind, aggregator: 'sum', values: values(data, name) };
      },
      reset() {},
    } as unknown as Parameters<Registry['registerMetric']>[0]);
  }
}
