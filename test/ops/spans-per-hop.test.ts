import { afterAll, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { pipeline } from '../../src/index.js';
import { echo } from '../support/components.js';
import { registerTracing, TRACE_ID, TRACEPARENT } from './otel.js';

const exporter = registerTracing();
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const p = pipeline([echo({ name: 'one', config: { tag: '1' } }), echo({ name: 'two', config: { tag: '2', 'trap-on': '/trap' } })], {
  logger: quiet,
  fusion: 'off',
  handler: () => ({ status: 200 }),
});
afterAll(() => p.close());

it('per hop, a trapping stage ends its span in error and the server span carries error.type on the 500', async () => {
  await p.ready();
  expect(p.describe().segments.map((s) => s.mode)).toEqual(['per-hop', 'per-hop']);
  const res = await p.inject({ method: 'POST', url: '/trap', headers: { 'x-echo-pass': '1', traceparent: TRACEPARENT }, body: 'x' });
  expect(res.status).toBe(500);

  const spans = exporter.getFinishedSpans();
  const server = spans.find((s) => s.kind === SpanKind.SERVER)!;
  expect(server.name).toBe('POST');
  expect(server.spanContext().traceId).toBe(TRACE_ID);
  expect(server.attributes).toMatchObject({ 'http.response.status_code': 500, 'error.type': 'WITLINE_GUEST_TRAP', 'client.address': '127.0.0.1' });
  expect(server.status.code).toBe(SpanStatusCode.ERROR);

  const stages = spans.filter((s) => s !== server);
  expect(stages.map((s) => [s.name, s.attributes['witline.stage.phase'], s.attributes['witline.stage.outcome']])).toEqual([
    ['witline.stage one', 'request', 'ok'],
    ['witline.stage two', 'request', 'trap'],
  ]);
  expect(stages[1].status.code).toBe(SpanStatusCode.ERROR);
  for (const s of stages) expect(s.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
});
