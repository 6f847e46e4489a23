import { expect, it } from 'vitest';
import { helloC, openPipeline, reportHeaders } from './support.js';

it('passes the request on with the client address and sets x-hello on the response', async () => {
  const p = openPipeline([helloC()], { handler: reportHeaders });
  const res = await p.inject({ method: 'POST', url: '/x?y=1', headers: { 'x-client-address': 'forged', a: 'b' }, body: 'hi', remoteAddress: '203.0.113.7' });
  expect(res.status).toBe(200);
  expect(res.headers['x-hello']).toBe('c');
  // The guest replaced the forged header with what context.remote-address said.
  expect(res.json()).toEqual([
    ['a', 'b'],
    ['content-length', '2'],
    ['x-client-address', '203.0.113.7'],
  ]);
  const [s] = p.describe().stages;
  expect({ binding: s.binding, instantiation: s.instantiation, phases: s.phases }).toEqual({
    binding: 'codec',
    instantiation: 'direct',
    phases: ['request', 'response'],
  });
});

it('imports only the capabilities it calls', async () => {
  const p = openPipeline([helloC()], { handler: reportHeaders });
  await p.ready();
  const imports = p.describe().stages[0].imports.filter((i) => !i.includes('/types@'));
  expect(imports.sort()).toEqual(['witline:middleware/context@0.1.0', 'witline:middleware/kv@0.1.0']);
});
