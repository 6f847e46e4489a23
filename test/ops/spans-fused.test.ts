import { afterAll, expect, it } from 'vitest';
import { SpanKind } from '@opentelemetry/api';
import { pipeline } from '../../src/index.js';
import { echo } from '../support/components.js';
import { PARENT_ID, registerTracing, TRACE_ID, TRACEPARENT } from './otel.js';

const exporter = registerTracing();
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const p = pipeline([echo({ name: 'one', config: { tag: '1' } }), echo({ name: 'two', config: { tag: '2' } })], {
  logger: quiet,
  handler: () => ({ status: 201 }),
});
afterAll(() => p.close());

it('a fused pipeline makes one server span per request, continuing traceparent, with a child span per stage call', async () => {
  await p.ready();
  expect(p.describe().segments).toEqual([{ mode: 'fused', stages: ['one', 'two'] }]);
  const res = await p.inject({ url: '/items?page=2', headers: { 'x-echo-pass': '1', traceparent: TRACEPARENT, host: 'api.example:8443' } });
  expect(res.status).toBe(201);

  const spans = exporter.getFinishedSpans();
  const server = spans.find((s) => s.kind === SpanKind.SERVER)!;
  expect(server.name).toBe('GET');
  expect(server.spanContext().traceId).toBe(TRACE_ID);
  expect(server.parentSpanContext?.spanId).toBe(PARENT_ID);
  expect(server.attributes).toMatchObject({
    'http.request.method': 'GET',
    'url.path': '/items',
    'url.query': 'page=2',
    'url.scheme': 'http',
    'server.address': 'api.example',
    'server.port': 8443,
    'http.response.status_code': 201,
  });
  expect(server.attributes['error.type']).toBeUndefined();

  const stages = spans.filter((s) => s !== server);
  // Request phase in order, response phase in reverse; every one a child of the server span.
  expect(stages.map((s) => [s.name, s.attributes['witline.stage.phase'], s.attributes['witline.stage.outcome']])).toEqual([
    ['witline.stage one', 'request', 'ok'],
    ['witline.stage two', 'request', 'ok'],
    ['witline.stage two', 'response', 'ok'],
    ['witline.stage one', 'response', 'ok'],
  ]);
  for (const s of stages) {
    expect(s.spanContext().traceId).toBe(TRACE_ID);
    expect(s.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
  }
});
