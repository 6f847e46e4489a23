// Tokens come back at `perSecond` as the injected clock advances, fractional rates
// included, never past `burst`; a clock set back grants nothing.
import { afterAll, describe, expect, it } from 'vitest';
import { pipeline, type Pipeline } from '../../src/index.js';
import { rateLimit, type RateLimitOptions } from '../../src/middleware/index.js';

const T0 = 1_700_000_000_000;
const open: Pipeline[] = [];
afterAll(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

function limited(options: RateLimitOptions) {
  const clock = { now: T0 };
  const p = pipeline([rateLimit(options)], { clock: () => clock.now, handler: () => ({ status: 200, body: 'ok' }) });
  open.push(p);
  const hit = async () => (await p.inject({ remoteAddress: '10.0.0.1' })).status;
  const drain = async () => {
    let n = 0;
    while ((await hit()) === 200) n++;
    return n;
  };
  return { clock, p, hit, drain };
}

describe('rateLimit: refill', () => {
  it('gives a token back after 1/perSecond, not a millisecond sooner', async () => {
    const { clock, hit, drain } = limited({ burst: 3, perSecond: 1 });
    expect(await drain()).toBe(3);
    clock.now += 999;
    expect(await hit()).toBe(429);
    clock.now += 1;
    expect(await hit()).toBe(200);
    expect(await hit()).toBe(429);
  });

  it('refills in proportion to the time elapsed, capped at burst', async () => {
    const { clock, drain } = limited({ burst: 5, perSecond: 2 });
    expect(await drain()).toBe(5);
    clock.now += 1_600; // 3.2 tokens
    expect(await drain()).toBe(3);
    clock.now += 400; // 0.2 left + 0.8
    expect(await drain()).toBe(1);
    clock.now += 3_600_000;
    expect(await drain()).toBe(5);
  });

  it.each<[number, number]>([
    [0.5, 2_000],
    [1 / 3, 3_000],
    [2.5, 400],
    [0.1, 10_000],
    [1 / 60, 60_000],
  ])('at %d per second, the next token comes after %i ms', async (perSecond, ms) => {
    const { clock, hit } = limited({ burst: 1, perSecond });
    expect(await hit()).toBe(200);
    clock.now += ms - 1;
    expect(await hit()).toBe(429);
    clock.now += 1;
    expect(await hit()).toBe(200);
    expect(await hit()).toBe(429);
  });

  it('keeps the fraction a denied request saw: hammering does not slow the refill', async () => {
    const { clock, hit } = limited({ burst: 1, perSecond: 1 / 3 });
    expect(await hit()).toBe(200);
    for (let t = 0; t < 2_900; t += 100) {
      clock.now += 100;
      expect(await hit()).toBe(429);
    }
    clock.now += 100; // 3 s after the first request
    expect(await hit()).toBe(200);
  });

  it('sustains exactly the rate over a long run at a fractional rate', async () => {
    const { clock, hit } = limited({ burst: 1, perSecond: 2.5 });
    let allowed = 0;
    for (let i = 0; i < 1_000; i++) {
      if ((await hit()) === 200) allowed++;
      clock.now += 40;
    }
    // 40 s at 2.5 per second, plus the first (full) token.
    expect(allowed).toBe(100);
  });

  it('counts down Retry-After as time passes', async () => {
    const { clock, p } = limited({ burst: 1, perSecond: 0.1 });
    const retryAfter = async () => (await p.inject({ remoteAddress: '10.0.0.1' })).headers['retry-after'];
    expect(await retryAfter()).toBeUndefined();
    expect(await retryAfter()).toBe('10');
    clock.now += 4_000;
    expect(await retryAfter()).toBe('6');
    clock.now += 5_500;
    expect(await retryAfter()).toBe('1');
    clock.now += 500;
    expect(await retryAfter()).toBeUndefined();
  });

  it('grants nothing for a clock set back, and recovers from one set back for good', async () => {
    const { clock, p, hit, drain } = limited({ burst: 2, perSecond: 1 });
    expect(await drain()).toBe(2);
    clock.now -= 500;
    const res = await p.inject({ remoteAddress: '10.0.0.1' });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('2'); // the 500 ms back, then a token's second
    clock.now += 1_000; // 500 ms after the stored refill time
    expect(await hit()).toBe(429);
    clock.now += 500;
    expect(await hit()).toBe(200);
    // A jump back of a day: the bucket does not wait for the clock to catch up.
    clock.now -= 86_400_000;
    expect(await hit()).toBe(429);
    clock.now += 1_000;
    expect(await hit()).toBe(200);
  });
});
