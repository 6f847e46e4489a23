// (i) witline fused, as (f), with an OpenTelemetry SDK registered: a span per request and
// per stage call (sampled, batched, exported to a no-op exporter) and the request and
// stage metrics recorded (into a MeterProvider nobody collects). Compare with (f) for the
// price of the spans and metrics themselves.
import { metrics, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { pipeline } from 'witline';
import { handler, quietLogger, stages } from './witline-app.mjs';
import { HOST, onStop, PORT, ready } from './serve.mjs';

// Spans go nowhere: what is measured is making, ending and batching them, not a network.
const noExport = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {}, forceFlush: async () => {} };
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(noExport)] }));
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
class Uncollected extends MetricReader {
  async onForceFlush() {}
  async onShutdown() {}
}
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [new Uncollected()] }));

const p = pipeline(stages(), { handler, logger: quietLogger });
const server = await p.listen({ port: PORT, host: HOST });
ready(server.address().port);
onStop(() => p.close());
