// Behind toExpress, the request target is handled as on witline's own edge: dot-segments
// are removed before any stage judges the path, and Express routes on the same normalised
// path (a stage rewriting /admin catches /api/../admin too); a second Host is a 400.
import { afterAll, expect, it } from 'vitest';
import { pipeline } from '../../src/index.js';
import { toExpress } from '../../src/adapters/express.js';
import { transform } from '../../src/middleware/index.js';
import { quiet, serveExpress } from './support/serve.js';
import { bodyOf, raw, statusOf } from '../hardening/support.js';

const p = pipeline([transform({ request: { rewritePath: { from: '/admin', to: '/blocked' } } })], { logger: quiet });
afterAll(() => p.close());

async function app(): Promise<number> {
  const url = await serveExpress((a) => {
    a.use(toExpress(p));
    a.get('/blocked', (req, res) => res.json({ route: 'blocked', url: req.url }));
    a.get('/admin', (_req, res) => res.json({ route: 'admin' }));
  });
  return Number(new URL(url).port);
}

it('removes dot-segments before the stages, and routes on the normalised path', async () => {
  const port = await app();
  for (const target of ['/api/../admin', '/x/./../admin', '/api/%2e%2e/admin']) {
    const answer = await raw(port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    expect([target, statusOf(answer)]).toEqual([target, 200]);
    expect(JSON.parse(bodyOf(answer))).toEqual({ route: 'blocked', url: '/blocked' });
  }
});

it('answers 400 to a second Host', async () => {
  const port = await app();
  const answer = await raw(port, 'GET /admin HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n');
  expect(statusOf(answer)).toBe(400);
  expect(JSON.parse(bodyOf(answer))).toMatchObject({ error: 'WITLINE_BAD_REQUEST' });
});
