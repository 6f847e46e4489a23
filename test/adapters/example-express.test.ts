// The Express example as users run it: through the package's own exports (dist/, built
// by `npm test`).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { request } from 'undici';
import { demoToken, startExpressApp } from '../../examples/express-app/app.js';

let app: { url: string; close(): Promise<void> };
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
beforeAll(async () => {
  app = await startExpressApp({ port: 0, burst: 2, perSecond: 0.001, logger: quiet });
});
afterAll(() => app.close());

it('401 without a token; notes posted and listed through express.json(); 429 past the burst', async () => {
  const none = await request(`${app.url}/notes`);
  expect(none.statusCode).toBe(401);
  await none.body.dump();

  const auth = { authorization: `Bearer ${demoToken('ada')}` };
  const posted = await request(`${app.url}/notes`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"text":"hi"}' });
  expect(posted.statusCode).toBe(201);
  expect(posted.headers['x-served-by']).toBe('witline-express');
  expect(await posted.body.json()).toEqual({ id: 1, text: 'hi', by: 'ada', via: 'witline' });

  const listed = await request(`${app.url}/notes`, { headers: auth });
  expect(await listed.body.json()).toEqual({ notes: [{ id: 1, text: 'hi', by: 'ada' }], for: 'ada', via: 'witline' });

  const limited = await request(`${app.url}/notes`, { headers: auth });
  expect(limited.statusCode).toBe(429);
  await limited.body.dump();
});
