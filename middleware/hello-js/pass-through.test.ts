import { expect } from 'vitest';
import { helloJs, itRuns, openPipeline, reportHeaders } from './support.js';

itRuns('passes the request on with the client address and sets x-hello on the response', async () => {
  const p = openPipeline([helloJs()], { handler: reportHeaders });
  const res = await p.inject({ method: 'POST', url: '/x?y=1', headers: { 'x-client-address': 'forged', a: 'b' }, body: 'hi', remoteAddress: '203.0.113.7' });
  expect(res.status).toBe(200);
  expect(res.headers['x-hello']).toBe('js');
  expect(res.json()).toEqual([
    ['a', 'b'],
    ['content-length', '2'],
    ['x-client-address', '203.0.113.7'],
  ]);
  const [s] = p.describe().stages;
  expect({ binding: s.binding, phases: s.phases }).toEqual({ binding: 'codec', phases: ['request', 'response'] });
});

itRuns('imports only the capabilities its files use', async () => {
  const p = openPipeline([helloJs()], { handler: reportHeaders });
  await p.ready();
  const imports = p.describe().stages[0].imports.filter((i) => !i.includes('/types@'));
  expect(imports.sort()).toEqual(['witline:middleware/context@0.1.0', 'witline:middleware/kv@0.1.0']);
});
