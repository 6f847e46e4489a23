import { afterAll, expect, it } from 'vitest';
import { DataPointType, type MetricData } from '@opentelemetry/sdk-metrics';
import { pipeline } from '../../src/index.js';
import { echo } from '../support/components.js';
import { registerMetrics } from './otel.js';

const meter = registerMetrics();
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const p = pipeline(
  [
    echo({ name: 'one', config: { tag: '1' } }),
    echo({ name: 'two', config: { tag: '2', 'trap-on': '/trap' } }),
    echo({ name: 'pooled', config: { tag: 'p' }, pool: { minThreads: 1, maxThreads: 1 } }),
  ],
  { logger: quiet, handler: () => ({ status: 200 }) },
);
afterAll(() => p.close());

const points = (m: MetricData | undefined) => (m?.dataPoints ?? []) as Array<{ attributes: Record<string, unknown>; value: unknown }>;

it('records request and stage durations, failures by stage, instances and pool gauges, with the conventions’ names, units and attributes', async () => {
  await p.ready();
  const pass = { 'x-echo-pass': '1' };
  expect((await p.inject({ url: '/a', headers: pass })).status).toBe(200);
  expect((await p.inject({ url: '/b', headers: pass })).status).toBe(200);
  expect((await p.inject({ url: '/trap', headers: pass })).status).toBe(500);
  const m = await meter.collect();

  const http = m.get('http.server.request.duration')!;
  expect(http.descriptor.unit).toBe('s');
  expect(http.dataPointType).toBe(DataPointType.HISTOGRAM);
  const byStatus = points(http).map((d) => [d.attributes, (d.value as { count: number }).count]);
  expect(byStatus).toEqual(
    expect.arrayContaining([
      [{ 'http.request.method': 'GET', 'http.response.status_code': 200, 'url.scheme': 'http' }, 2],
      [{ 'http.request.method': 'GET', 'http.response.status_code': 500, 'url.scheme': 'http', 'error.type': 'WITLINE_GUEST_TRAP' }, 1],
    ]),
  );
  expect((points(http)[0].value as { buckets: { boundaries: number[] } }).buckets.boundaries).toEqual([
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
  ]);

  const stage = m.get('witline.stage.duration')!;
  expect(stage.descriptor.unit).toBe('s');
  const calls = Object.fromEntries(
    points(stage).map((d) => [
      `${d.attributes['witline.stage.name']} ${d.attributes['witline.stage.phase']} ${d.attributes['witline.stage.outcome']}`,
      (d.value as { count: number }).count,
    ]),
  );
  // Main-thread stages (fused): two whole requests, and the trap stopping in `two`.
  expect(calls).toEqual({ 'one request ok': 3, 'two request ok': 2, 'two request trap': 1, 'two response ok': 2, 'one response ok': 2 });

  expect(points(m.get('witline.stage.failures')).map((d) => [d.attributes, d.value])).toEqual([
    [{ 'witline.stage.name': 'two', 'witline.stage.failure': 'trap' }, 1],
  ]);
  expect(points(m.get('witline.stage.instances.replaced')).map((d) => [d.attributes['witline.stage.name'], d.value])).toEqual([
    ['one', 0],
    ['two', 1],
    ['pooled', 0],
  ]);
  expect(points(m.get('witline.stage.instances')).map((d) => [d.attributes['witline.stage.name'], d.value])).toEqual([
    ['one', 1],
    ['two', 1],
    ['pooled', 1],
  ]);
  expect(points(m.get('witline.pool.threads')).map((d) => [d.attributes, d.value])).toEqual([[{ 'witline.pool.stages': 'pooled' }, 1]]);
  expect(points(m.get('witline.pool.queued')).map((d) => [d.attributes, d.value])).toEqual([[{ 'witline.pool.stages': 'pooled' }, 0]]);
});
