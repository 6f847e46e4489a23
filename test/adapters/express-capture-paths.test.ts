// With a response phase, what the routes send is held back whichever way their writes
// reach the response: through a mounted app (Express swaps the response's prototype for
// it, and back), after it, or through a wrapper an earlier middleware put on `res.end`,
// which then sees the answer witline finally writes.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { request } from 'undici';
import express from 'express';
import { pipeline } from '../../src/index.js';
import { toExpress } from '../../src/adapters/express.js';
import { transform } from '../../src/middleware/index.js';
import { quiet, serveExpress } from './support/serve.js';

const transformed = () =>
  pipeline([transform({ response: { setHeaders: { 'x-served-by': 'witline' }, json: { set: { via: 'witline' } } } })], { logger: quiet });
const p = transformed();
const wrapped = transformed();
afterAll(() => Promise.all([p.close(), wrapped.close()]));

let url = '';
const endSaw: string[] = [];
beforeAll(async () => {
  url = await serveExpress((app) => {
    app.use('/wrapped', (_req, res, next) => {
      const end = res.end.bind(res) as (chunk?: unknown) => typeof res;
      res.end = ((chunk?: unknown) => {
        endSaw.push(Buffer.from(chunk as Uint8Array).toString());
        return end(chunk);
      }) as typeof res.end;
      next();
    });
    app.use('/wrapped', toExpress(wrapped));
    app.get('/wrapped/json', (_req, res) => res.json({ id: 3 }));

    app.use(toExpress(p));
    const sub = express();
    sub.get('/json', (_req, res) => res.json({ id: 1 }));
    app.use('/sub', sub); // a mounted app: its routes, and what comes after it
    app.get('/sub/after', (_req, res) => res.json({ id: 2 }));
  });
});

async function get(path: string) {
  const res = await request(`${url}${path}`);
  return { status: res.statusCode, servedBy: res.headers['x-served-by'], body: await res.body.json() };
}

it("a mounted app's route goes through the response phase", async () => {
  expect(await get('/sub/json')).toEqual({ status: 200, servedBy: 'witline', body: { id: 1, via: 'witline' } });
});

it('a route reached after a mounted app passed the request on goes through it too', async () => {
  expect(await get('/sub/after')).toEqual({ status: 200, servedBy: 'witline', body: { id: 2, via: 'witline' } });
});

it("an earlier middleware's res.end wrapper still runs, once, on the answer witline writes", async () => {
  expect(await get('/wrapped/json')).toEqual({ status: 200, servedBy: 'witline', body: { id: 3, via: 'witline' } });
  expect(endSaw.map((b) => JSON.parse(b))).toEqual([{ id: 3, via: 'witline' }]);
});
