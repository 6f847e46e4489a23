import { afterAll, beforeAll, expect, it } from 'vitest';
import { request } from 'undici';
// The example as users run it: through the package's own exports (dist/, built by `npm test`).
import { demoToken, startGateway } from '../examples/gateway/gateway.js';

let gw: Awaited<ReturnType<typeof startGateway>>;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
beforeAll(async () => {
  gw = await startGateway({ port: 0, burst: 3, perSecond: 0.001, logger: quiet });
});
afterAll(() => gw.close());

it('401 without a token, 200 with the transform visible, 429 past the burst', async () => {
  const none = await request(`${gw.url}/api/items`);
  expect(none.statusCode).toBe(401);
  expect(none.headers['www-authenticate']).toMatch(/^Bearer realm=/);
  await none.body.dump();

  const auth = { authorization: `Bearer ${demoToken('ada')}` };
  const ok = await request(`${gw.url}/api/items`, { headers: auth });
  expect(ok.statusCode).toBe(200);
  expect(ok.headers['x-served-by']).toBe('witline-gateway');
  const body = (await ok.body.json()) as { items: unknown[]; gateway: string; subject: string };
  expect(body.gateway).toBe('witline');
  expect(body.subject).toBe('ada');
  expect(body.items).toHaveLength(2);

  const statuses = [];
  for (let i = 0; i < 3; i++) {
    const r = await request(`${gw.url}/api/items/1`, { headers: auth });
    statuses.push(r.statusCode);
    if (r.statusCode === 429) expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    await r.body.dump();
  }
  expect(statuses).toEqual([200, 200, 429]);
});
