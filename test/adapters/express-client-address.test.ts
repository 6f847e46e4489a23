// Guests see Express's req.ip as the client address: the socket's, or, behind a proxy
// Express is told to trust, the client's from x-forwarded-for.
import { afterAll, expect, it } from 'vitest';
import { request } from 'undici';
import { pipeline } from '../../src/index.js';
import { toExpress } from '../../src/adapters/express.js';
import { contextProbe } from '../support/components.js';
import { quiet, serveExpress } from './support/serve.js';

const p = pipeline([contextProbe()], { logger: quiet });
afterAll(() => p.close());

async function addressSeen(trustProxy: boolean): Promise<string | string[] | undefined> {
  const url = await serveExpress((app) => {
    app.set('trust proxy', trustProxy);
    app.use(toExpress(p));
  });
  const res = await request(`${url}/`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
  await res.body.dump();
  return res.headers['x-probe-address'];
}

it('is the socket address when no proxy is trusted', async () => {
  expect(await addressSeen(false)).toBe('127.0.0.1');
});

it('is the forwarded client behind a trusted proxy', async () => {
  expect(await addressSeen(true)).toBe('203.0.113.7');
});
