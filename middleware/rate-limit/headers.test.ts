// Allowed responses carry the RateLimit-* headers, read from the bucket in the
// response phase; with several limits the client is shown the tightest.
import { afterAll, describe, expect, it } from 'vitest';
import { pipeline, type HandlerResponse, type Pipeline, type Stage } from '../../src/index.js';
import { rateLimit } from '../../src/middleware/index.js';

const T0 = 1_700_000_000_000;
const open: Pipeline[] = [];
afterAll(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

function chain(stages: Stage[], response: HandlerResponse = { status: 200, body: 'ok' }) {
  const clock = { now: T0 };
  const seen: Array<Array<[string, string]>> = [];
  const p = pipeline(stages, {
    clock: () => clock.now,
    handler: (req) => {
      seen.push(req.headers);
      return response;
    },
  });
  open.push(p);
  const hit = () => p.inject({ remoteAddress: '10.0.0.1', headers: { 'x-request': '1' } });
  const limits = async () => {
    const res = await hit();
    const h = res.headers;
    return { status: res.status, limit: h['ratelimit-limit'], remaining: h['ratelimit-remaining'], reset: h['ratelimit-reset'], policy: h['ratelimit-policy'] };
  };
  return { clock, seen, hit, limits };
}

describe('rateLimit: RateLimit-* headers on allowed responses', () => {
  it('counts Remaining down to 0, with Reset the seconds to the next token', async () => {
    const { limits } = chain([rateLimit({ burst: 3, perSecond: 0.5 })]);
    const policy = '3;w=6';
    expect(await limits()).toEqual({ status: 200, limit: '3', remaining: '2', reset: '2', policy });
    expect(await limits()).toEqual({ status: 200, limit: '3', remaining: '1', reset: '2', policy });
    expect(await limits()).toEqual({ status: 200, limit: '3', remaining: '0', reset: '2', policy });
    expect(await limits()).toEqual({ status: 429, limit: '3', remaining: '0', reset: '2', policy });
  });

  it('reflects partial refill: Remaining counts whole tokens, Reset the rest', async () => {
    const { clock, limits } = chain([rateLimit({ burst: 5, perSecond: 0.5 })]);
    await limits(); // 4 left
    clock.now += 1_500; // 4.75, then one taken
    expect(await limits()).toMatchObject({ remaining: '3', reset: '1' });
    clock.now += 60_000;
    expect(await limits()).toMatchObject({ remaining: '4', reset: '2' });
  });

  it('says Reset 0 when the bucket is full again by the time the response is ready', async () => {
    const { limits } = chain([rateLimit({ burst: 2, perSecond: 1_000_000 })]);
    expect(await limits()).toEqual({ status: 200, limit: '2', remaining: '1', reset: '1', policy: '2;w=1' });
  });

  it('adds nothing to the request: the upstream sees it as sent', async () => {
    const { seen, hit } = chain([rateLimit({ burst: 2, perSecond: 1 })]);
    await hit();
    expect(seen).toEqual([[['x-request', '1']]]);
  });

  it('shows the tighter of two stages, and keeps a 429 from further in intact', async () => {
    const { limits } = chain([rateLimit({ burst: 5, perSecond: 1, prefix: 'outer:' }), rateLimit({ burst: 2, perSecond: 1, prefix: 'inner:' })]);
    expect(await limits()).toMatchObject({ status: 200, limit: '2', remaining: '1' });
    expect(await limits()).toMatchObject({ status: 200, limit: '2', remaining: '0' });
    expect(await limits()).toMatchObject({ status: 429, limit: '2', remaining: '0', reset: '1', policy: '2;w=2' });
  });

  it('shows the outer stage when it is the tighter', async () => {
    const { limits } = chain([rateLimit({ burst: 2, perSecond: 1, prefix: 'outer:' }), rateLimit({ burst: 5, perSecond: 1, prefix: 'inner:' })]);
    expect(await limits()).toMatchObject({ status: 200, limit: '2', remaining: '1', policy: '2;w=2' });
    expect(await limits()).toMatchObject({ status: 200, limit: '2', remaining: '0' });
    expect(await limits()).toMatchObject({ status: 429, limit: '2', remaining: '0' });
  });

  it("keeps the upstream's own headers when they are tighter, replaces them otherwise", async () => {
    const upstream = (remaining: string): HandlerResponse => ({
      status: 200,
      headers: [
        ['RateLimit-Limit', '100'],
        ['RateLimit-Remaining', remaining],
        ['RateLimit-Reset', '30'],
      ],
      body: 'ok',
    });
    const tight = chain([rateLimit({ burst: 5, perSecond: 1 })], upstream('0'));
    expect(await tight.limits()).toEqual({ status: 200, limit: '100', remaining: '0', reset: '30', policy: undefined });
    const loose = chain([rateLimit({ burst: 5, perSecond: 1 })], upstream('99'));
    expect(await loose.limits()).toEqual({ status: 200, limit: '5', remaining: '4', reset: '1', policy: '5;w=5' });
    const junk = chain([rateLimit({ burst: 5, perSecond: 1 })], upstream('-1, 3'));
    expect(await junk.limits()).toMatchObject({ limit: '5', remaining: '4' });
  });
});
