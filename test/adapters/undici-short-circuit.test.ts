// A stage that answers answers the caller: no request goes out (in-process, MockAgent).
import { afterAll, expect, it } from 'vitest';
import { MockAgent, request } from 'undici';
import { pipeline } from '../../src/index.js';
import { toUndiciInterceptor } from '../../src/adapters/undici.js';
import { auth, rateLimit } from '../../src/middleware/index.js';
import { quiet } from './support/serve.js';
import { ISSUER, SECRET, T0, token } from './support/tokens.js';

const p = pipeline([auth({ secret: SECRET, issuer: ISSUER }), rateLimit({ burst: 2, perSecond: 1 })], { clock: () => T0, logger: quiet });
const mock = new MockAgent();
mock.disableNetConnect();
afterAll(async () => {
  await p.close();
  await mock.close();
});

it('answers 401 and 429 locally; only allowed calls reach the network', async () => {
  let reached = 0;
  mock
    .get('http://api.test')
    .intercept({ path: '/items', method: 'GET' })
    .reply(() => {
      reached++;
      return { statusCode: 200, data: { ok: true }, responseOptions: { headers: { 'content-type': 'application/json' } } };
    })
    .persist();
  const dispatcher = mock.compose(toUndiciInterceptor(p));

  const denied = await request('http://api.test/items', { dispatcher });
  expect(denied.statusCode).toBe(401);
  expect(denied.headers['www-authenticate']).toMatch(/^Bearer /);
  expect(await denied.body.json()).toMatchObject({ error: 'invalid_token' });

  const headers = { authorization: `Bearer ${token('svc')}` };
  const statuses = [];
  for (let i = 0; i < 3; i++) {
    const res = await request('http://api.test/items', { dispatcher, headers });
    statuses.push(res.statusCode);
    if (res.statusCode === 429) expect(res.headers['retry-after']).toBe('1');
    await res.body.dump();
  }
  expect(statuses).toEqual([200, 200, 429]);
  expect(reached).toBe(2);
});
