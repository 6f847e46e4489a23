// What the stages pass on is what the routes after them see: the rewritten path (so a
// different route matches), and the headers as changed.
import { afterAll, expect, it } from 'vitest';
import { request } from 'undici';
import { pipeline } from '../../src/index.js';
import { toExpress } from '../../src/adapters/express.js';
import { transform } from '../../src/middleware/index.js';
import { echo } from '../support/components.js';
import { quiet, serveExpress } from './support/serve.js';

const p = pipeline(
  [
    transform({ request: { rewritePath: { from: '/api/', to: '/v2/' }, setHeaders: { 'x-gateway': 'witline' }, removeHeaders: ['x-internal'] } }),
    echo({ config: [['tag', 'e1']] }),
  ],
  { logger: quiet },
);
afterAll(() => p.close());

it('routes on the rewritten path, with the changed headers; originalUrl keeps what the client asked', async () => {
  const url = await serveExpress((app) => {
    app.use(toExpress(p));
    app.get('/v2/items', (req, res) => {
      res.json({
        url: req.url,
        originalUrl: req.originalUrl,
        query: req.query,
        gateway: req.get('x-gateway'),
        internal: req.get('x-internal') ?? null,
        trail: req.get('x-echo-trail'),
        rawHas: req.rawHeaders.includes('x-gateway'),
      });
    });
    app.get('/api/items', (_req, res) => res.status(500).json({ wrong: 'route' }));
  });
  const res = await request(`${url}/api/items?color=red`, { headers: { 'x-echo-pass': '1', 'x-internal': 'secret' } });
  expect(res.statusCode).toBe(200);
  expect(res.headers['x-echo']).toBe('e1'); // the echo stage's response phase ran over the route's answer
  expect(await res.body.json()).toEqual({
    url: '/v2/items?color=red',
    originalUrl: '/api/items?color=red',
    query: { color: 'red' },
    gateway: 'witline',
    internal: null,
    trail: 'e1',
    rawHas: true,
  });
});
