// A captured response's repeated fields come out as the response phase left them: a
// field the route set twice is sent twice, a value the stage appends to it is a third
// field, one the stage replaces is sent once, and what the stage removes is gone.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { request } from 'undici';
import { pipeline } from '../../src/index.js';
import { toExpress } from '../../src/adapters/express.js';
import { transform } from '../../src/middleware/index.js';
import { quiet, serveExpress } from './support/serve.js';

const p = pipeline(
  [
    transform({
      response: {
        appendHeaders: { 'set-cookie': 'c=3' },
        setHeaders: { vary: 'accept' },
        removeHeaders: ['x-drop'],
      },
    }),
  ],
  { logger: quiet },
);
let url = '';
beforeAll(async () => {
  url = await serveExpress((app) => {
    app.use(toExpress(p));
    app.get('/', (_req, res) => {
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.setHeader('Vary', ['origin', 'cookie']);
      res.setHeader('X-Drop', ['one', 'two']);
      res.setHeader('X-Keep', ['k1', 'k2']);
      res.type('text').send('ok');
    });
  });
});
afterAll(() => p.close());

it('sends repeated fields as the response phase left them', async () => {
  const res = await request(`${url}/`);
  expect(res.statusCode).toBe(200);
  expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2', 'c=3']);
  expect(res.headers.vary).toBe('accept');
  expect(res.headers['x-drop']).toBeUndefined();
  expect(res.headers['x-keep']).toEqual(['k1', 'k2']);
  expect(await res.body.text()).toBe('ok');
});
