// A request the stages pass on as it came reaches the routes exactly as it would without
// witline in front: the same header fields in all three of node:http's shapes, url,
// method and body (a chunked one too, read by express.json()), against the same app
// with no pipeline.
import { afterAll, expect, it } from 'vitest';
import { request } from 'undici';
import { Readable } from 'node:stream';
import express, { type Express } from 'express';
import { pipeline } from '../../src/index.js';
import { toExpress } from '../../src/adapters/express.js';
import { rateLimit } from '../../src/middleware/index.js';
import { quiet, serveExpress } from './support/serve.js';

// A stage that reads the request and answers in its response phase, changing no field of the request.
const p = pipeline([rateLimit({ burst: 100, perSecond: 100, key: { header: 'x-client' } })], { logger: quiet });
afterAll(() => p.close());

const routes = (app: Express) => {
  app.use(express.json());
  app.all('/seen', (req, res) => {
    res.json({ method: req.method, url: req.url, headers: req.headers, raw: req.rawHeaders, distinct: req.headersDistinct, body: req.body });
  });
};

it('sees the same request behind toExpress as without it', async () => {
  const plain = await serveExpress(routes);
  const fronted = await serveExpress((app) => {
    app.use(toExpress(p));
    routes(app);
  });
  const ask = async (base: string, body?: string[]) => {
    const res = await request(`${base}/seen?x=1`, {
      method: body ? 'POST' : 'GET',
      headers: ['x-client', 'c1', 'X-Multi', 'one', 'x-multi', 'two', 'cookie', 'a=1', 'cookie', 'b=2', ...(body ? ['content-type', 'application/json'] : [])],
      // A stream: sent chunked, with no content-length.
      body: body ? Readable.from(body) : undefined,
    });
    expect(res.statusCode).toBe(200);
    if (base === fronted) expect(res.headers['ratelimit-limit']).toBe('100'); // the stage ran
    const seen = (await res.body.json()) as { headers: Record<string, unknown>; distinct: Record<string, unknown>; raw: string[] };
    // The connection's own fields differ between the two servers (its port in Host).
    delete seen.headers.host;
    delete seen.distinct.host;
    const at = seen.raw.findIndex((v, i) => i % 2 === 0 && v.toLowerCase() === 'host');
    seen.raw.splice(at, 2);
    return seen;
  };
  expect(await ask(fronted)).toEqual(await ask(plain));
  const chunked = await ask(fronted, ['{"a":', '[1,2]}']);
  expect(chunked).toEqual(await ask(plain, ['{"a":', '[1,2]}']));
  expect(chunked).toMatchObject({
    method: 'POST',
    body: { a: [1, 2] },
    headers: { 'transfer-encoding': 'chunked', 'x-multi': 'one, two', cookie: 'a=1; b=2' },
  });
});
