import type { Attributes, Context, Counter, Histogram, Meter, MeterProvider, Span, TextMapGetter, Tracer, TracerProvider } from '@opentelemetry/api';
import type { StageCallMessage, StageObserver, StageOutcome } from '../core/trace.js';
import { observeRequests, outcomeOf } from '../core/trace.js';
import type { WitlineError } from '../core/errors.js';
import type { HeaderList, OutgoingResponse, RequestContext, WitRequest } from '../core/types.js';
import type { PipelineDescription } from './describe.js';

/**
 * OpenTelemetry spans and metrics through `@opentelemetry/api` alone (an optional peer
 * dependency, loaded by pipeline/trace.ts). Everything is a no-op until the application
 * registers an SDK: each request first asks the API whether a tracer or meter provider is
 * registered (a few property reads), and does nothing else when none is.
 */

type Api = typeof import('@opentelemetry/api');

// The HTTP semantic conventions' advice for http.server.request.duration.
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
// A stage call takes microseconds: the HTTP buckets would put every call in the first one.
const STAGE_BUCKETS = [0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** Every instrument witline records, by name (the CLI's Prometheus bridge reads this table too). */
export const INSTRUMENTS = {
  'http.server.request.duration': { kind: 'histogram', unit: 's', description: 'Duration of HTTP server requests.' },
  'witline.stage.duration': { kind: 'histogram', unit: 's', description: 'Duration of one guest call (a stage phase), by stage, phase and outcome.' },
  'witline.stage.failures': { kind: 'counter', unit: '{failure}', description: 'Requests failed by a stage: trap, timeout or invalid_output.' },
  'witline.stage.instances': { kind: 'gauge', unit: '{instance}', description: 'Live guest instances per stage (a pooled stage has one per worker thread).' },
  'witline.stage.instances.replaced': {
    kind: 'counter',
    unit: '{instance}',
    description: 'Guest instances dropped after a failed call and replaced, per stage.',
  },
  'witline.pool.threads': { kind: 'gauge', unit: '{thread}', description: "Worker threads per pooled segment (its stages joined by '+')." },
  'witline.pool.queued': { kind: 'gauge', unit: '{task}', description: "Tasks waiting per pooled segment (its stages joined by '+')." },
  'witline.pool.running': { kind: 'gauge', unit: '{task}', description: "Tasks running per pooled segment (its stages joined by '+')." },
} as const satisfies Record<string, { kind: 'histogram' | 'counter' | 'gauge'; unit: string; description: string }>;
const info = (name: keyof typeof INSTRUMENTS) => ({ unit: INSTRUMENTS[name].unit, description: INSTRUMENTS[name].description });

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY']);

const headerGetter: TextMapGetter<HeaderList> = {
  keys: (headers) => headers.map(([k]) => k),
  get(headers, key) {
    for (const [k, v] of headers) if (k.length === key.length && k.toLowerCase() === key) return v;
    return undefined;
  },
};

interface Instruments {
  requestDuration: Histogram;
  stageDuration: Histogram;
  failures: Counter;
}

/** One request being observed: its start, its span (when tracing) and the context its stage spans hang under. */
interface Observation {
  t0: number;
  method: string;
  span: Span | undefined;
  context: Context | undefined;
  instruments: Instruments | undefined;
}

/** One stage call being observed. */
interface StageToken {
  t0: number;
  span: Span | undefined;
  instruments: Instruments | undefined;
}

/** `host[:port]` or `[v6]:port` of a Host header. */
function hostAttributes(headers: HeaderList, attrs: Attributes): void {
  const host = headerGetter.get(headers, 'host');
  if (typeof host !== 'string' || !host) return;
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
  if (!m) return;
  attrs['server.address'] = m[1].startsWith('[') ? m[1].slice(1, -1) : m[1];
  if (m[2]) attrs['server.port'] = Number(m[2]);
}

function failureKind(err: WitlineError | undefined): { stage: string; kind: StageOutcome } | undefined {
  if (!err) return undefined;
  const kind = outcomeOf(err);
  if (kind === 'error' || kind === 'ok') return undefined;
  const e = err as WitlineError & { stage?: string; stages?: readonly string[] };
  const stage = e.stage ?? e.stages?.join('+');
  return stage === undefined ? undefined : { stage, kind };
}

export class Otel implements StageObserver {
  readonly #api: Api;
  readonly #tracer: Tracer;
  readonly #noTracer: TracerProvider;
  readonly #noMeter: Meter;
  #meterProvider: MeterProvider | undefined;
  #instruments: Instruments | undefined;
  readonly #requests = new WeakMap<RequestContext, Observation>();
  readonly #pipelines = new Set<() => PipelineDescription>();

  constructor(api: Api) {
    this.#api = api;
    this.#tracer = api.trace.getTracer('witline');
    // What the API hands out while no SDK is registered.
    this.#noTracer = new api.ProxyTracerProvider().getDelegate();
    this.#noMeter = api.createNoopMeter();
  }

  #tracing(): boolean {
    const p = this.#api.trace.getTracerProvider() as TracerProvider & { getDelegate?: () => TracerProvider };
    return (p.getDelegate ? p.getDelegate() : p) !== this.#noTracer;
  }

  /** The instruments of the registered meter provider; made again when another is registered. */
  #meters(): Instruments | undefined {
    const provider = this.#api.metrics.getMeterProvider();
    if (provider === this.#meterProvider) return this.#instruments;
    this.#meterProvider = provider;
    const meter = provider.getMeter('witline');
    this.#instruments = meter === this.#noMeter ? undefined : this.#instrument(meter);
    return this.#instruments;
  }

  #instrument(meter: Meter): Instruments {
    const each = (fn: (d: PipelineDescription) => void) => {
      for (const describe of this.#pipelines) fn(describe());
    };
    meter.createObservableGauge('witline.stage.instances', info('witline.stage.instances')).addCallback((r) =>
      each((d) => {
        const pooled = new Map<string, number>();
        for (const seg of d.segments) if (seg.pool) for (const s of seg.stages) pooled.set(s, seg.pool.threads);
        for (const s of d.stages) r.observe(pooled.get(s.name) ?? 1, { 'witline.stage.name': s.name });
      }),
    );
    meter
      .createObservableCounter('witline.stage.instances.replaced', info('witline.stage.instances.replaced'))
      .addCallback((r) => each((d) => d.stages.forEach((s) => r.observe(s.replacedInstances, { 'witline.stage.name': s.name }))));
    for (const field of ['threads', 'queued', 'running'] as const) {
      meter.createObservableGauge(`witline.pool.${field}`, info(`witline.pool.${field}`)).addCallback((r) =>
        each((d) => {
          for (const seg of d.segments) if (seg.pool) r.observe(seg.pool[field], { 'witline.pool.stages': seg.stages.join('+') });
        }),
      );
    }
    return {
      requestDuration: meter.createHistogram('http.server.request.duration', {
        ...info('http.server.request.duration'),
        advice: { explicitBucketBoundaries: HTTP_BUCKETS },
      }),
      stageDuration: meter.createHistogram('witline.stage.duration', {
        ...info('witline.stage.duration'),
        advice: { explicitBucketBoundaries: STAGE_BUCKETS },
      }),
      failures: meter.createCounter('witline.stage.failures', info('witline.stage.failures')),
    };
  }

  /** Whether a tracer or meter provider is registered (else nothing is observed). */
  active(): boolean {
    return this.#tracing() || this.#meters() !== undefined;
  }

  /** Observable gauges read this pipeline's counters until the returned function is called. */
  watch(describe: () => PipelineDescription): () => void {
    this.#meters();
    this.#pipelines.add(describe);
    return () => this.#pipelines.delete(describe);
  }

  /** Start observing a request (undefined when no SDK is registered); `run` runs the pipeline inside its span. */
  startRequest(req: WitRequest, ctx: RequestContext): { run<T>(fn: () => T): T; end(resp: OutgoingResponse, err: WitlineError | undefined): void } | undefined {
    const instruments = this.#meters();
    const tracing = this.#tracing();
    if (!instruments && !tracing) return undefined;
    const api = this.#api;
    const method = METHODS.has(req.method) ? req.method : '_OTHER';
    const obs: Observation = { t0: performance.now(), method, span: undefined, context: undefined, instruments };
    if (tracing) {
      const q = req.uri.indexOf('?');
      const attributes: Attributes = {
        'http.request.method': method,
        'url.scheme': 'http',
        'url.path': q < 0 ? req.uri : req.uri.slice(0, q),
        'client.address': ctx.remoteAddress,
      };
      if (q >= 0) attributes['url.query'] = req.uri.slice(q + 1);
      if (method === '_OTHER') attributes['http.request.method_original'] = req.method;
      hostAttributes(req.headers, attributes);
      const parent = api.propagation.extract(api.context.active(), req.headers, headerGetter);
      obs.span = this.#tracer.startSpan(method, { kind: api.SpanKind.SERVER, attributes }, parent);
      obs.context = api.trace.setSpan(parent, obs.span);
    }
    this.#requests.set(ctx, obs);
    observeRequests(1);
    let ended = false;
    return {
      run: (fn) => (obs.context ? api.context.with(obs.context, fn) : fn()),
      end: (resp, err) => {
        if (ended) return;
        ended = true;
        observeRequests(-1);
        this.#requests.delete(ctx);
        const status = resp.status;
        const errorType = status >= 500 ? (err?.code ?? String(status)) : undefined;
        if (obs.span) {
          obs.span.setAttribute('http.response.status_code', status);
          if (errorType) {
            obs.span.setAttribute('error.type', errorType);
            obs.span.setStatus({ code: api.SpanStatusCode.ERROR, message: err?.message });
          }
          obs.span.end();
        }
        if (instruments) {
          const attrs: Attributes = { 'http.request.method': method, 'http.response.status_code': status, 'url.scheme': 'http' };
          if (errorType) attrs['error.type'] = errorType;
          instruments.requestDuration.record((performance.now() - obs.t0) / 1000, attrs);
          const failure = failureKind(err);
          if (failure) instruments.failures.add(1, { 'witline.stage.name': failure.stage, 'witline.stage.failure': failure.kind });
        }
      },
    };
  }

  start(call: StageCallMessage, ctx: RequestContext | undefined): StageToken | undefined {
    const obs = ctx && this.#requests.get(ctx);
    if (!obs) return undefined;
    const span = obs.context
      ? this.#tracer.startSpan(
          `witline.stage ${call.stage}`,
          { attributes: { 'witline.stage.name': call.stage, 'witline.stage.phase': call.phase } },
          obs.context,
        )
      : undefined;
    return { t0: performance.now(), span, instruments: obs.instruments };
  }

  end(token: unknown, call: StageCallMessage, outcome: StageOutcome): void {
    const t = token as StageToken;
    if (t.span) {
      t.span.setAttribute('witline.stage.outcome', outcome);
      if (outcome !== 'ok') t.span.setStatus({ code: this.#api.SpanStatusCode.ERROR, message: (call.error as Error | undefined)?.message });
      t.span.end();
    }
    t.instruments?.stageDuration.record((performance.now() - t.t0) / 1000, {
      'witline.stage.name': call.stage,
      'witline.stage.phase': call.phase,
      'witline.stage.outcome': outcome,
    });
  }
}
