// Stages rewrite outgoing calls (path, headers: an API key added) and their responses
// (JSON edited) on the way back (in-process, MockAgent).
import { afterAll, expect, it } from 'vitest';
import { MockAgent, request } from 'undici';
import { pipeline } from '../../src/index.js';
import { toUndiciInterceptor } from '../../src/adapters/undici.js';
import { transform } from '../../src/middleware/index.js';
import { quiet } from './support/serve.js';

const p = pipeline(
  [
    transform({
      request: { rewritePath: { from: '/api/', to: '/v2/' }, setHeaders: { 'x-api-key': 'k-123' }, removeHeaders: ['x-debug'] },
      response: { removeHeaders: ['server'], json: { set: { via: 'witline' } } },
    }),
  ],
  { logger: quiet },
);
const mock = new MockAgent();
mock.disableNetConnect();
afterAll(async () => {
  await p.close();
  await mock.close();
});

it('sends the rewritten request and hands back the rewritten response', async () => {
  const seen: Array<{ path: string; headers: unknown; body: unknown }> = [];
  mock
    .get('http://api.test')
    .intercept({ path: (path) => path.startsWith('/v2/items'), method: 'POST' })
    .reply((opts) => {
      seen.push({ path: opts.path, headers: opts.headers, body: opts.body });
      return { statusCode: 201, data: '{"id":9}', responseOptions: { headers: { 'content-type': 'application/json', server: 'upstream/1.0' } } };
    });
  const dispatcher = mock.compose(toUndiciInterceptor(p));

  const res = await request('http://api.test/api/items', {
    dispatcher,
    method: 'POST',
    query: { tag: 'a b' },
    headers: { 'content-type': 'application/json', 'x-debug': '1' },
    body: '{"name":"kettle"}',
  });
  expect(res.statusCode).toBe(201);
  expect(res.headers.server).toBeUndefined();
  const body = await res.body.text();
  expect(JSON.parse(body)).toEqual({ id: 9, via: 'witline' });
  expect(res.headers['content-length']).toBe(String(body.length));

  expect(seen).toHaveLength(1);
  expect(seen[0].path).toBe('/v2/items?tag=a%20b');
  const flat = seen[0].headers as string[]; // forwarded as undici's flat [name, value, ...] list
  const sent = Object.fromEntries(flat.flatMap((v, i) => (i % 2 ? [] : [[v.toLowerCase(), flat[i + 1]]])));
  expect(sent['x-api-key']).toBe('k-123');
  expect(sent['x-debug']).toBeUndefined();
  expect(String(seen[0].body)).toBe('{"name":"kettle"}');
});
