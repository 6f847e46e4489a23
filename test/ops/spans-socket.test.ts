import { afterAll, expect, it } from 'vitest';
import { SpanKind } from '@opentelemetry/api';
import { request } from 'undici';
import type { AddressInfo } from 'node:net';
import { pipeline } from '../../src/index.js';
import { echo } from '../support/components.js';
import { PARENT_ID, registerTracing, TRACE_ID, TRACEPARENT } from './otel.js';

const exporter = registerTracing();
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const p = pipeline([echo({ name: 'one', config: { tag: '1' } }), echo({ name: 'two', config: { tag: '2' } })], {
  logger: quiet,
  handler: () => ({ status: 200 }),
});
afterAll(() => p.close());

it('on a real socket, the server span names the address it was reached at and the client, and continues traceparent', async () => {
  const server = await p.listen({ port: 0, host: '127.0.0.1' });
  const { port } = server.address() as AddressInfo;
  const res = await request(`http://127.0.0.1:${port}/socket?q=1`, { headers: { 'x-echo-pass': '1', traceparent: TRACEPARENT } });
  await res.body.dump();
  expect(res.statusCode).toBe(200);

  const spans = exporter.getFinishedSpans();
  const span = spans.find((s) => s.kind === SpanKind.SERVER)!;
  expect(span.spanContext().traceId).toBe(TRACE_ID);
  expect(span.parentSpanContext?.spanId).toBe(PARENT_ID);
  expect(span.attributes).toMatchObject({
    'http.request.method': 'GET',
    'url.path': '/socket',
    'url.query': 'q=1',
    'server.address': '127.0.0.1',
    'server.port': port,
    'client.address': '127.0.0.1',
    'http.response.status_code': 200,
  });
  expect(spans.filter((s) => s.parentSpanContext?.spanId === span.spanContext().spanId).map((s) => s.name)).toEqual([
    'witline.stage one',
    'witline.stage two',
    'witline.stage two',
    'witline.stage one',
  ]);
});
