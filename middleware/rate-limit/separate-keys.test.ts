// Buckets are per client: per remote address by default, per header value with
// `key: { header }` (falling back to the address, in a bucket of its own), and per
// stage when stages have their own `prefix`.
import { afterAll, describe, expect, it } from 'vitest';
import { pipeline, type InjectRequest, type Pipeline, type Stage } from '../../src/index.js';
import { rateLimit } from '../../src/middleware/index.js';

const T0 = 1_700_000_000_000;
const open: Pipeline[] = [];
afterAll(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

function chain(stages: Stage[]) {
  const p = pipeline(stages, { clock: () => T0, handler: () => ({ status: 200, body: 'ok' }) });
  open.push(p);
  return async (req: InjectRequest) => (await p.inject(req)).status;
}

describe('rateLimit: separate buckets', () => {
  it('keeps one bucket per remote address by default, ignoring headers', async () => {
    const hit = chain([rateLimit({ burst: 2, perSecond: 1 })]);
    const a = { remoteAddress: '10.0.0.1' };
    const b = { remoteAddress: '10.0.0.2' };
    const v6 = { remoteAddress: '2001:db8::1' };
    expect([await hit(a), await hit(a), await hit(a)]).toEqual([200, 200, 429]);
    expect([await hit(b), await hit(b), await hit(b)]).toEqual([200, 200, 429]);
    expect([await hit(v6), await hit(v6), await hit(v6)]).toEqual([200, 200, 429]);
    expect(await hit({ ...a, headers: { 'x-api-key': 'fresh' } })).toBe(429);
  });

  it('keys on the header value when configured, whatever the address', async () => {
    const hit = chain([rateLimit({ burst: 2, perSecond: 1, key: { header: 'X-Api-Key' } })]);
    const k1 = (addr: string) => ({ remoteAddress: addr, headers: { 'x-api-key': 'k1' } });
    expect([await hit(k1('10.0.0.1')), await hit(k1('10.0.0.2')), await hit(k1('10.0.0.3'))]).toEqual([200, 200, 429]);
    const k2 = { remoteAddress: '10.0.0.1', headers: { 'X-API-KEY': 'k2' } };
    expect([await hit(k2), await hit(k2), await hit(k2)]).toEqual([200, 200, 429]);
  });

  it('falls back to the address without the header, or with it empty', async () => {
    const hit = chain([rateLimit({ burst: 2, perSecond: 1, key: { header: 'x-api-key' } })]);
    expect(await hit({ remoteAddress: '10.0.0.1' })).toBe(200);
    expect(await hit({ remoteAddress: '10.0.0.1', headers: { 'x-api-key': '' } })).toBe(200);
    expect(await hit({ remoteAddress: '10.0.0.1' })).toBe(429);
    expect(await hit({ remoteAddress: '10.0.0.2' })).toBe(200);
    // The address bucket is not the header bucket of the same text, either way round.
    expect(await hit({ remoteAddress: '10.0.0.9', headers: { 'x-api-key': '10.0.0.1' } })).toBe(200);
    const spoof = { remoteAddress: '10.0.0.3', headers: { 'x-api-key': '10.0.0.3' } };
    expect([await hit(spoof), await hit(spoof), await hit(spoof)]).toEqual([200, 200, 429]);
    expect(await hit({ remoteAddress: '10.0.0.3' })).toBe(200);
  });

  it('tells long and unusual key values apart, without failing on them', async () => {
    const hit = chain([rateLimit({ burst: 1, perSecond: 1, key: { header: 'x-api-key' } })]);
    const long = 'k'.repeat(4_000);
    const values = [long, long + 'x', 'x' + long.slice(1), 'clé-ü', 'ÿ\x80', 'a b\tc', 'a'.repeat(64), 'a'.repeat(65)];
    for (const v of values) expect(await hit({ headers: { 'x-api-key': v } })).toBe(200);
    for (const v of values) expect(await hit({ headers: { 'x-api-key': v } })).toBe(429);
  });

  it('uses the first value of a repeated key header', async () => {
    const hit = chain([rateLimit({ burst: 1, perSecond: 1, key: { header: 'x-api-key' } })]);
    expect(
      await hit({
        headers: [
          ['x-api-key', 'a'],
          ['x-api-key', 'b'],
        ],
      }),
    ).toBe(200);
    expect(
      await hit({
        headers: [
          ['x-api-key', 'a'],
          ['x-api-key', 'c'],
        ],
      }),
    ).toBe(429);
    expect(
      await hit({
        headers: [
          ['x-api-key', 'b'],
          ['x-api-key', 'a'],
        ],
      }),
    ).toBe(200);
  });

  it('lets two stages with their own prefixes count separately', async () => {
    // Per key: 3 requests; per address: 5. Both apply, each to its own buckets.
    const hit = chain([
      rateLimit({ burst: 5, perSecond: 1, prefix: 'rl:ip:' }),
      rateLimit({ burst: 3, perSecond: 1, key: { header: 'x-api-key' }, prefix: 'rl:key:' }),
    ]);
    const from = (key: string) => ({ remoteAddress: '10.0.0.1', headers: { 'x-api-key': key } });
    const a = [await hit(from('a')), await hit(from('a')), await hit(from('a')), await hit(from('a'))];
    expect(a).toEqual([200, 200, 200, 429]);
    // The outer stage took a token for the denied request too: one left for the address.
    expect([await hit(from('b')), await hit(from('b'))]).toEqual([200, 429]);
  });

  it('shares buckets between stages with the same prefix', async () => {
    const hit = chain([rateLimit({ burst: 4, perSecond: 1 }), rateLimit({ burst: 4, perSecond: 1 })]);
    // Each request takes a token in each stage: two requests drain the shared bucket.
    expect([await hit({}), await hit({}), await hit({})]).toEqual([200, 200, 429]);
  });
});
