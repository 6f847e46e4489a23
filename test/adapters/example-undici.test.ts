// The undici example as users run it: through the package's own exports (dist/, built
// by `npm test`), on a fixed clock.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPartnerClient } from '../../examples/undici-client/client.js';
import { PARTNER_KEY, startPartnerApi } from '../../examples/undici-client/partner-api.js';

let api: { url: string; stats: { calls: number }; server: import('node:http').Server };
beforeAll(async () => {
  api = await startPartnerApi();
});
afterAll(() => api.server.close());

it('adds the API key and the versioned path, marks answers, and answers 429 locally past the burst', async () => {
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const client = createPartnerClient({ apiKey: PARTNER_KEY, burst: 2, perSecond: 1, clock: () => 1_700_000_000_000, logger: quiet });
  const statuses = [];
  const first = await client.get(api.url, '/rates');
  expect(first.body).toEqual({ base: 'EUR', rates: { USD: 1.08, GBP: 0.85 }, checkedBy: 'witline' });
  expect(first.headers.server).toBeUndefined();
  statuses.push(first.status);
  for (let i = 0; i < 2; i++) statuses.push((await client.get(api.url, '/rates')).status);
  expect(statuses).toEqual([200, 200, 429]);
  expect(api.stats.calls).toBe(2);

  const wrongKey = createPartnerClient({ apiKey: 'nope', logger: quiet });
  expect((await wrongKey.get(api.url, '/rates')).status).toBe(403);
  await Promise.all([client.close(), wrongKey.close()]);
});
