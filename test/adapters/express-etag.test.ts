// Behind a response phase, Express's ETag and its 304 are about the bytes the client
// receives: the tag is the one Express itself gives a route sending exactly those bytes.
import { afterAll, beforeAll, expect, it } from 'vitest';
import express from 'express';
import { request } from 'undici';
import { pipeline } from '../../src/index.js';
import { toExpress } from '../../src/adapters/express.js';
import { transform } from '../../src/middleware/index.js';
import { quiet, serveExpress } from './support/serve.js';

const p = pipeline([transform({ response: { setHeaders: { 'x-served-by': 'witline' }, json: { set: { via: 'witline' } } } })], { logger: quiet });
let url = '';
/** A plain Express app (no witline) that sends back the bytes it is given: the reference tags. */
let reference = '';
beforeAll(async () => {
  url = await serveExpress((app) => {
    app.use(toExpress(p));
    app.get('/json', (_req, res) => res.json({ id: 7 })); // the stage changes this body
    app.get('/text', (_req, res) => res.type('text').send('plain words')); // and not this one
    app.get('/own-tag', (_req, res) => res.set('ETag', '"v1"').json({ id: 8 }));
    app.get('/own-tag-text', (_req, res) => res.set('ETag', '"v2"').type('text').send('as is'));
    const sub = express();
    sub.set('json spaces', 2); // a sub-app's own setting, read while the response is held
    sub.get('/json', (_req, res) => res.json({ id: 9 }));
    // A type only Express's own send can rewrite: it runs, in the sub-app's prototype.
    sub.get('/flowed', (_req, res) => res.set('Content-Type', 'application/json; format=flowed').send('{"id":11}'));
    app.use('/sub', sub);
    const untagged = express();
    untagged.set('etag', false);
    untagged.get('/json', (_req, res) => res.json({ id: 10 }));
    app.use('/untagged', untagged);
    app.get('/setting', (req, res) => {
      res.app.set('witline test', 'seen'); // through the held response's app: reaches the app
      res.json({ seen: req.app.get('witline test') });
    });
  });
  reference = await serveExpress((app) => {
    app.post('/', express.raw({ type: () => true }), (req, res) => res.send(req.body));
  });
});
afterAll(() => p.close());

async function expressTagOf(body: string): Promise<string | undefined> {
  const res = await request(reference, { method: 'POST', body });
  await res.body.dump();
  return res.headers.etag as string | undefined;
}

it('a body the stages changed: tagged as Express tags those bytes, and a request holding the tag gets 304', async () => {
  const res = await request(`${url}/json`);
  const body = await res.body.text();
  expect(JSON.parse(body)).toEqual({ id: 7, via: 'witline' });
  const tag = res.headers.etag;
  expect(tag).toBe(await expressTagOf(body));
  const again = await request(`${url}/json`, { headers: { 'if-none-match': tag as string } });
  expect(again.statusCode).toBe(304);
  expect(await again.body.text()).toBe('');
  expect(again.headers.etag).toBe(tag);
  expect(again.headers['x-served-by']).toBe('witline');
  expect(again.headers['content-type']).toBeUndefined();
  expect(again.headers['content-length']).toBeUndefined();
  const stale = await request(`${url}/json`, { headers: { 'if-none-match': await expressTagOf('{"id":7}') } });
  expect(stale.statusCode).toBe(200); // the route's own bytes are not what the client has
  expect(await stale.body.text()).toBe(body);
});

it('a body the stages left alone: the same tag as without witline, and its 304', async () => {
  const res = await request(`${url}/text`);
  expect(await res.body.text()).toBe('plain words');
  expect(res.headers.etag).toBe(await expressTagOf('plain words'));
  const again = await request(`${url}/text`, { headers: { 'if-none-match': res.headers.etag as string } });
  expect(again.statusCode).toBe(304);
  expect(await again.body.text()).toBe('');
});

it("a route's own tag: dropped once the stages changed the body, kept when they did not", async () => {
  const changed = await request(`${url}/own-tag`);
  expect(await changed.body.json()).toEqual({ id: 8, via: 'witline' });
  expect(changed.headers.etag).toBeUndefined();
  const same = await request(`${url}/own-tag-text`);
  await same.body.dump();
  expect(same.headers.etag).toBe('"v2"');
});

it('a sub-app mounted after the pipeline keeps its settings, and tags the bytes sent with its own tagging', async () => {
  const res = await request(`${url}/sub/json`);
  const body = await res.body.text();
  expect(body.startsWith('{\n  "id": 9')).toBe(true);
  expect(JSON.parse(body)).toEqual({ id: 9, via: 'witline' });
  expect(res.headers.etag).toBe(await expressTagOf(body));
  // Through Express's own send, in the sub-app's prototype: deferred there, and the same.
  const flowed = await request(`${url}/sub/flowed`);
  const flowedBody = await flowed.body.text();
  expect(JSON.parse(flowedBody)).toEqual({ id: 11, via: 'witline' });
  expect(flowed.headers['content-type']).toBe('application/json; format=flowed; charset=utf-8');
  expect(flowed.headers.etag).toBe(await expressTagOf(flowedBody));
});

it('no tag where Express would give none: ETags off, or HEAD (its held body is not the representation)', async () => {
  const off = await request(`${url}/untagged/json`);
  expect(await off.body.json()).toEqual({ id: 10, via: 'witline' });
  expect(off.headers.etag).toBeUndefined();
  const head = await request(`${url}/json`, { method: 'HEAD' });
  await head.body.dump();
  expect(head.statusCode).toBe(200);
  expect(head.headers.etag).toBeUndefined();
});

it("a route changing a setting through the held response's app changes the app's", async () => {
  const res = await request(`${url}/setting`);
  expect(await res.body.json()).toEqual({ seen: 'seen', via: 'witline' });
});
