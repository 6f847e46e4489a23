// The conformance corpus and the JS model every conformance guest is held to.
//
// Every conformance guest is a pass-through-plus-header stage: the request goes on with
// `x-echo-trail: <tag>` appended to its headers, and the response comes back with
// `x-echo: <tag>` appended (what middleware/echo does in pass mode). Each guest runs in
// front of a bundled stage; the model is that bundled stage alone (the same pipeline
// without the guest) with the guest's two headers applied in JS.
import { expect } from 'vitest';
import fc from 'fast-check';
import { pipeline, type InjectRequest, type InjectResponse, type Pipeline, type Stage, type WitRequest } from '../../src/index.js';
import { transform } from '../../src/middleware/transform.js';
import { fieldValue, httpHeaders, httpPath, token } from '../support/arbitraries.js';

/** Limits raised for the corpus: a 12,000-character request target, 80 headers of 150 bytes. */
export const LIMITS = { maxUrlLength: 16_384, maxHeaderBytes: 65_536, maxHeaderCount: 200 } as const;

/** A handler reflecting the request it got as JSON, so any change a stage made shows in the body. */
export const reflect = (req: WitRequest) => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ method: req.method, uri: req.uri, headers: req.headers, body: req.body ? Buffer.from(req.body).toString('base64') : null }),
});

/** The bundled stage every guest runs beside: a response header, so its response phase runs too. */
export const bundled = (options: Partial<Stage> = {}) => ({ ...transform({ response: { setHeaders: { 'x-bundled': 'transform' } } }), ...options }) as Stage;

const PASS = ['x-echo-pass', '1'] as const; // middleware/echo passes only requests carrying it

function seeded(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** The fixed corpus: unicode, empty and 300 KB bodies, 80 headers, long URIs. */
export const CORPUS: InjectRequest[] = [
  { url: '/', headers: [PASS] },
  {
    method: 'POST',
    url: '/unicode/%E2%9C%93?q=%E6%97%A5%E6%9C%AC',
    headers: [PASS, ['content-type', 'text/plain; charset=utf-8']],
    body: 'héllo wörld ✓ 🚀 日本語 — ok',
  },
  { method: 'POST', url: '/empty', headers: [PASS], body: '' },
  { method: 'PUT', url: '/large', headers: [PASS, ['content-type', 'application/octet-stream']], body: seeded(300 * 1024, 42) },
  {
    url: '/many',
    headers: [PASS, ...Array.from({ length: 80 }, (_, i) => [`x-h-${i}`, `v${i}-`.padEnd(140, String.fromCharCode(97 + (i % 26)))] as [string, string])],
  },
  { url: '/long/' + 'a1-_.~'.repeat(2000), headers: [PASS] },
  { method: 'DELETE', url: '/q?a=1&b=%20&c=' + '%F0%9F%9A%80'.repeat(100), headers: [PASS, ['x-dup', '1'], ['x-dup', '2']] },
];

/** Generated requests on top of the corpus (fixed seed): methods, paths, headers, bodies. */
export function generated(n: number): InjectRequest[] {
  const arb = fc.record({
    method: token.map((t) => t.toUpperCase()),
    url: fc.tuple(httpPath, fc.option(fieldValue.map(encodeURIComponent), { nil: undefined })).map(([p, q]) => p + (q ? `?q=${q}` : '')),
    headers: httpHeaders.map((h) => [...h.filter(([k]) => k.toLowerCase() !== 'x-echo-pass'), PASS] as Array<[string, string]>),
    body: fc.option(fc.uint8Array({ maxLength: 4000 }), { nil: undefined }),
  });
  return fc.sample(arb, { seed: 42, numRuns: n });
}

/** What the model says the pipeline [guest, bundled] answers, from what [bundled] alone answers. */
export function modelAnswer(alone: InjectResponse, tag: string): { status: number; headers: Array<[string, string]>; body: Buffer } {
  const seen = JSON.parse(alone.text()) as { method: string; uri: string; headers: Array<[string, string]>; body: string | null };
  const req: WitRequest = {
    method: seen.method,
    uri: seen.uri,
    headers: [...seen.headers, ['x-echo-trail', tag]],
    body: seen.body === null ? undefined : new Uint8Array(Buffer.from(seen.body, 'base64')),
  };
  const body = Buffer.from(reflect(req).body);
  const headers = alone.rawHeaders.filter(([k]) => k.toLowerCase() !== 'content-length');
  return { status: alone.status, headers: [...headers, ['x-echo', tag]], body };
}

/** The answer of a real pipeline as the model states it (content-length checked, then set aside). */
export function answerOf(r: InjectResponse): { status: number; headers: Array<[string, string]>; body: Buffer } {
  const length = r.rawHeaders.find(([k]) => k.toLowerCase() === 'content-length');
  expect(Number(length?.[1])).toBe(r.body.length);
  return { status: r.status, headers: r.rawHeaders.filter(([k]) => k.toLowerCase() !== 'content-length'), body: r.body };
}

/** Check a loaded pipeline [guest, bundled] against the model over the corpus and generated requests. */
export async function expectConforms(p: Pipeline, tag: string): Promise<void> {
  const alone = pipeline([bundled()], { handler: reflect, limits: LIMITS });
  try {
    for (const r of [...CORPUS, ...generated(40)]) {
      const [got, base] = await Promise.all([p.inject(r), alone.inject(r)]);
      expect(base.status).toBe(200);
      const want = modelAnswer(base, tag);
      const have = answerOf(got);
      expect(have.status).toBe(want.status);
      expect(have.headers).toEqual(want.headers);
      expect(have.body.equals(want.body)).toBe(true);
    }
  } finally {
    await alone.close();
  }
}
