// Without a response phase the routes write to the client directly: the first bytes
// arrive while the route still holds the rest (a buffering adapter would deadlock here).
import { afterAll, expect, it } from 'vitest';
import { request } from 'undici';
import { pipeline } from '../../src/index.js';
import { toExpress } from '../../src/adapters/express.js';
import { kHasResponsePhase } from '../../src/pipeline/internal.js';
import { auth } from '../../src/middleware/index.js';
import { quiet, serveExpress } from './support/serve.js';
import { ISSUER, SECRET, T0, token } from './support/tokens.js';

const p = pipeline([auth({ secret: SECRET, issuer: ISSUER })], { clock: () => T0, logger: quiet });
afterAll(() => p.close());

it('streams the route’s body as it is written', async () => {
  let clientSawFirst!: () => void;
  const firstSeen = new Promise<void>((r) => (clientSawFirst = r));
  const url = await serveExpress((app) => {
    app.use(toExpress(p));
    app.get('/feed', async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first;');
      await firstSeen; // the rest only once the client has the first part
      res.end('second');
    });
  });

  await p.ready();
  expect(p[kHasResponsePhase]).toBe(false);
  const res = await request(`${url}/feed`, { headers: { authorization: `Bearer ${token('ada')}` } });
  expect(res.statusCode).toBe(200);
  expect(res.headers['transfer-encoding']).toBe('chunked');
  const parts: string[] = [];
  for await (const chunk of res.body) {
    parts.push(String(chunk));
    if (parts.length === 1) clientSawFirst();
  }
  expect(parts.join('')).toBe('first;second');
  expect(parts[0]).toBe('first;');
});
