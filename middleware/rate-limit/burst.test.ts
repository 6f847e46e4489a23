// A fresh client gets exactly `burst` requests through at one instant; the next is
// answered 429 by the guest, with the wait and the limit in headers and body, and
// never reaches the handler.
import { afterAll, describe, expect, it } from 'vitest';
import { pipeline, type Pipeline } from '../../src/index.js';
import { rateLimit, type RateLimitOptions } from '../../src/middleware/index.js';

const T0 = 1_700_000_000_000;
const open: Pipeline[] = [];
afterAll(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

function limited(options: RateLimitOptions) {
  const calls = { count: 0 };
  const p = pipeline([rateLimit(options)], {
    clock: () => T0,
    handler: () => {
      calls.count++;
      return { status: 200, body: 'ok' };
    },
  });
  open.push(p);
  return { p, calls, hit: () => p.inject({ method: 'GET', url: '/', remoteAddress: '10.0.0.1' }) };
}

describe('rateLimit: burst', () => {
  it.each([1, 3, 10])('lets exactly %i requests through at once, then answers 429', async (burst) => {
    const { calls, hit } = limited({ burst, perSecond: 1 });
    for (let i = 0; i < burst; i++) {
      const res = await hit();
      expect(res.status).toBe(200);
      expect(res.text()).toBe('ok');
    }
    for (let i = 0; i < 3; i++) expect((await hit()).status).toBe(429);
    expect(calls.count).toBe(burst);
  });

  it('describes the denial in headers and a JSON body', async () => {
    const { hit } = limited({ burst: 3, perSecond: 1 });
    for (let i = 0; i < 3; i++) await hit();
    const res = await hit();
    expect(res.status).toBe(429);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['retry-after']).toBe('1');
    expect(res.headers['ratelimit-limit']).toBe('3');
    expect(res.headers['ratelimit-remaining']).toBe('0');
    expect(res.headers['ratelimit-reset']).toBe('1');
    expect(res.headers['ratelimit-policy']).toBe('3;w=3');
    expect(res.json()).toEqual({ error: 'rate_limited', retry_after: 1 });
  });

  it('rounds the wait up to whole seconds for slow rates', async () => {
    const { hit } = limited({ burst: 2, perSecond: 0.25 });
    await hit();
    await hit();
    const res = await hit();
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('4');
    expect(res.headers['ratelimit-reset']).toBe('4');
    expect(res.headers['ratelimit-policy']).toBe('2;w=8');
    expect(res.json()).toEqual({ error: 'rate_limited', retry_after: 4 });
  });

  it('says at least 1 second even when the next token is milliseconds away', async () => {
    const { hit } = limited({ burst: 1, perSecond: 400 });
    expect((await hit()).status).toBe(200);
    const res = await hit();
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.headers['ratelimit-policy']).toBe('1;w=1');
  });
});
