// A request whose header fields the stages changed reaches the routes with the fields in
// all three of node:http's shapes (`rawHeaders`, `headers`, `headersDistinct`) exactly as
// node:http would have parsed the changed request: repeated fields by Node's own rules,
// also when a middleware before the pipeline had read `headers` and `headersDistinct`
// (node:http had built them) and when the fields are made without node:http's help.
import { afterAll, expect, it } from 'vitest';
import { request } from 'undici';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createServer, IncomingMessage } from 'node:http';
import type { Express } from 'express';
import { pipeline } from '../../src/index.js';
import { toExpress } from '../../src/adapters/express.js';
import { parsedFields } from '../../src/adapters/express-body.js';
import { replaceFields } from '../../src/adapters/incoming-fields.js';
import { transform } from '../../src/middleware/index.js';
import { quiet, serveExpress } from './support/serve.js';

const p = pipeline([transform({ request: { setHeaders: { 'x-gateway': 'witline' }, removeHeaders: ['x-internal'] } })], { logger: quiet });
afterAll(() => p.close());

// Fields repeated under each of Node's rules: first wins, joined with ', ', joined with '; ', a list.
const REPEATED = [
  'Authorization',
  'a',
  'authorization',
  'b',
  'X-Multi',
  'one',
  'x-multi',
  'two',
  'cookie',
  'a=1',
  'Cookie',
  'b=2',
  'set-cookie',
  's=1',
  'Set-Cookie',
  's=2',
];
const REPEATED_TOO = ['user-agent', 'u1', 'User-Agent', 'u2', 'accept', 'x/y', 'Accept', 'z/w'];
const SENT = [...REPEATED, 'x-internal', 'secret', ...REPEATED_TOO];
// What the stage passes on: x-internal removed, x-gateway added.
const PASSED = [...REPEATED, ...REPEATED_TOO, 'x-gateway', 'witline'];

type Seen = { headers: Record<string, unknown>; distinct: Record<string, unknown>; raw: string[][] };

const seenRoute = (app: Express) =>
  app.get('/seen', (req, res) => {
    const raw: string[][] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) raw.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
    res.json({ headers: req.headers, distinct: req.headersDistinct, raw });
  });

async function ask(base: string, headers: string[]): Promise<Seen> {
  const res = await request(`${base}/seen`, { headers });
  expect(res.statusCode).toBe(200);
  const seen = (await res.body.json()) as Seen;
  // The connection's own field differs between two servers (its port in Host).
  delete seen.headers.host;
  delete seen.distinct.host;
  seen.raw = seen.raw.filter(([k]) => k.toLowerCase() !== 'host').sort(([a, x], [b, y]) => (a + x).localeCompare(b + y));
  return seen;
}

it('gives the routes the changed fields as node:http parses the changed request', async () => {
  const plain = await serveExpress(seenRoute);
  const fronted = await serveExpress((app) => {
    app.use(toExpress(p));
    seenRoute(app);
  });
  const seen = await ask(fronted, SENT);
  expect(seen).toEqual(await ask(plain, PASSED));
  expect(seen.headers).toMatchObject({ authorization: 'a', 'x-multi': 'one, two', cookie: 'a=1; b=2', 'set-cookie': ['s=1', 's=2'], 'x-gateway': 'witline' });
  expect(seen.headers).not.toHaveProperty('x-internal');
});

it('replaces the fields a middleware before the pipeline had read', async () => {
  const plain = await serveExpress(seenRoute);
  const fronted = await serveExpress((app) => {
    app.use((req, _res, next) => {
      expect(req.headers['x-internal']).toBe('secret');
      expect(req.headersDistinct['x-internal']).toEqual(['secret']);
      next();
    });
    app.use(toExpress(p));
    seenRoute(app);
  });
  const seen = await ask(fronted, SENT);
  expect(seen).toEqual(await ask(plain, PASSED));
  expect(seen.distinct).not.toHaveProperty('x-internal');
  expect(seen.distinct['x-gateway']).toEqual(['witline']);
});

/** What node:http's parser makes of `raw` sent on a socket: its rawHeaders, headers and headersDistinct. */
async function parsedByNode(raw: string[]): Promise<{ raw: string[]; headers: unknown; distinct: unknown }> {
  const server = createServer((req, res) => {
    res.end(JSON.stringify({ raw: req.rawHeaders, headers: req.headers, distinct: req.headersDistinct }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    let head = 'GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n';
    for (let i = 0; i < raw.length; i += 2) head += `${raw[i]}: ${raw[i + 1]}\r\n`;
    socket.end(`${head}\r\n`);
    let text = '';
    for await (const chunk of socket) text += chunk;
    return JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
  } finally {
    server.close();
  }
}

it('makes the fields, without node:http, by node:http rules', async () => {
  const node = await parsedByNode([...PASSED, 'Content-Type', 'a/b', 'content-type', 'c/d', 'X-Other', '1']);
  // JSON, as node's own objects went through it.
  expect(JSON.parse(JSON.stringify(parsedFields(node.raw)))).toEqual({ headers: node.headers, distinct: node.distinct });
});

it('leaves the fields to node:http on this Node, read back by its rules', () => {
  const req = new IncomingMessage(undefined as never);
  expect(replaceFields(req, ['X-A', '1', 'x-a', '2', 'Cookie', 'c=1', 'cookie', 'd=2'])).toBe(true);
  expect(req.headers).toEqual({ 'x-a': '1, 2', cookie: 'c=1; d=2' });
  expect({ ...req.headersDistinct }).toEqual({ 'x-a': ['1', '2'], cookie: ['c=1', 'd=2'] });
  expect(req.rawHeaders).toEqual(['X-A', '1', 'x-a', '2', 'Cookie', 'c=1', 'cookie', 'd=2']);
});
