import { afterAll, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { pipeline, stage, type InjectRequest, type InjectResponse, type Pipeline } from '../../src/index.js';
import { bundledComponent } from '../../src/middleware/bundled.js';
import { bundled, CORPUS, LIMITS, modelAnswer, reflect } from './model.js';

// The corpus over a real socket, with the edge's limits raised for it (a 12,000-character
// request target is over the default 8 KiB): the C guest beside a bundled stage, per hop
// and fused, against the model of the bundled stage alone on a socket of its own.
const open: Pipeline[] = [];
afterAll(() => Promise.all(open.map((p) => p.close())));

async function serve(p: Pipeline): Promise<string> {
  open.push(p);
  const server = await p.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

// What differs between two servers or two moments, and framing: not part of a stage's answer.
const TRANSPORT = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

async function send(base: string, r: InjectRequest): Promise<InjectResponse> {
  const headers = [...((r.headers as Array<[string, string]>) ?? []), ['host', 'conformance.test']].flat();
  const res = await request(base + (r.url ?? '/'), { method: (r.method ?? 'GET') as never, headers, body: r.body });
  const body = Buffer.from(await res.body.arrayBuffer());
  const raw: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(res.headers)) for (const x of Array.isArray(v) ? v : [v!]) raw.push([k, x]);
  return { status: res.statusCode, headers: res.headers as never, rawHeaders: raw, body, text: () => body.toString(), json: () => JSON.parse(body.toString()) };
}

const sorted = (h: Array<[string, string]>) =>
  h
    .filter(([k]) => !TRANSPORT.has(k.toLowerCase()))
    .map(([k, v]) => `${k.toLowerCase()}: ${v}`)
    .sort();

for (const fusion of ['off', 'auto'] as const) {
  it(`answers the corpus over a socket as the model does (fusion ${fusion})`, async () => {
    const guest = stage({ name: 'c', component: bundledComponent('conformance-c'), capabilities: [] });
    const base = await serve(pipeline([guest, bundled()], { handler: reflect, limits: LIMITS, fusion }));
    const alone = await serve(pipeline([bundled()], { handler: reflect, limits: LIMITS }));
    for (const r of CORPUS) {
      const [got, baseline] = await Promise.all([send(base, r), send(alone, r)]);
      expect(baseline.status).toBe(200);
      const want = modelAnswer(baseline, 'c');
      expect(got.status).toBe(want.status);
      expect(sorted(got.rawHeaders)).toEqual(sorted(want.headers));
      expect(got.body.equals(want.body)).toBe(true);
    }
  });
}
