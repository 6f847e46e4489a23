// Many responses held back at once (routes answering later, in any order, one client
// going away meanwhile, a route answering at once in between): each is run through the
// response phase with its own status, headers and body, and none is mixed up with another.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { request } from 'undici';
import { pipeline } from '../../src/index.js';
import { toExpress } from '../../src/adapters/express.js';
import { transform } from '../../src/middleware/index.js';
import { quiet, serveExpress } from './support/serve.js';

const p = pipeline([transform({ response: { setHeaders: { 'x-served-by': 'witline' }, json: { set: { via: 'witline' } } } })], { logger: quiet });
/** Routes waiting to answer, by id; and a promise per id that its route has been reached. */
const waiting = new Map<string, (status: number) => void>();
const reached = new Map<string, { promise: Promise<void>; resolve: () => void }>();
const arrival = (id: string) => {
  if (!reached.has(id)) {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    reached.set(id, { promise, resolve });
  }
  return reached.get(id)!;
};
let url = '';
beforeAll(async () => {
  url = await serveExpress((app) => {
    app.use(toExpress(p));
    app.get('/later/:id', (req, res) => {
      const id = req.params.id as string;
      waiting.set(id, (status) => {
        res.status(status).set('x-id', id).type('json');
        res.write(`{"id":"${id}",`);
        res.end(`"n":${id.length}}`);
      });
      arrival(id).resolve();
    });
    app.get('/now', (_req, res) => res.json({ now: true }));
  });
});
afterAll(() => p.close());

it('answers each held response with its own bytes, whatever the order the routes end in', async () => {
  const ids = ['a', 'bb', 'ccc', 'dddd', 'eeeee', 'ffffff'];
  const pending = new Map(ids.map((id) => [id, request(`${url}/later/${id}`)]));
  const gone = new AbortController();
  const abandoned = request(`${url}/later/zz`, { signal: gone.signal }).catch((err: Error) => err.name);
  await Promise.all([...ids, 'zz'].map((id) => arrival(id).promise));
  // The client of `zz` goes away while its response is held.
  gone.abort();
  expect(await abandoned).toBe('AbortError');
  // A route answering at once while the others are held.
  const now = await request(`${url}/now`);
  expect(await now.body.json()).toEqual({ now: true, via: 'witline' });
  // Ended in a fixed order that is neither arrival order nor its reverse.
  const statuses = [200, 201, 202, 203, 207, 208];
  for (const [k, id] of ['dddd', 'a', 'ffffff', 'ccc', 'bb', 'eeeee'].entries()) {
    waiting.get(id)!(statuses[k]);
    const res = await pending.get(id)!;
    expect(res.statusCode).toBe(statuses[k]);
    expect(res.headers['x-id']).toBe(id);
    expect(res.headers['x-served-by']).toBe('witline');
    expect(await res.body.json()).toEqual({ id, n: id.length, via: 'witline' });
  }
  // The abandoned route ending late writes nothing anywhere, and the server still serves.
  waiting.get('zz')!(200);
  const after = await request(`${url}/now`);
  expect(await after.body.json()).toEqual({ now: true, via: 'witline' });
});
