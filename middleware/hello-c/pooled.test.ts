import { expect, it } from 'vitest';
import { helloC, openPipeline, reportHeaders } from './support.js';

it('runs on a worker pool, with kv and the client address proxied from the main thread', async () => {
  const p = openPipeline([helloC({ pool: { maxThreads: 1 } })], { handler: reportHeaders });
  await p.ready();
  expect(p.describe().stages[0]).toMatchObject({ mode: 'pooled', placement: 'pool' });
  const res = await p.inject({ url: '/a', remoteAddress: '192.0.2.9' });
  expect(res.headers['x-hello']).toBe('c');
  expect(res.json()).toEqual([['x-client-address', '192.0.2.9']]);
  const counts = [];
  for (let i = 0; i < 2; i++) counts.push((await p.inject({ url: '/hello-c/count' })).text());
  expect(counts).toEqual(['1', '2']);
});
