// Options are checked by the factory (InvalidConfigError, before anything loads), and
// the settings again by the guest, so a hand-built stage with bad settings fails to
// load (GuestConfigError).
import { describe, expect, it } from 'vitest';
import { GuestConfigError, InvalidConfigError, pipeline, stage } from '../../src/index.js';
import { bundledComponent } from '../../src/middleware/bundled.js';
import { rateLimit, rateLimitConfig, type RateLimitOptions } from '../../src/middleware/rate-limit.js';

describe('rateLimit: configuration', () => {
  it('turns options into settings for the guest', () => {
    const s = rateLimit({ burst: 10, perSecond: 1 / 3, key: { header: 'X-Api-Key' }, prefix: 'api:' });
    expect(s.name).toBe('rate-limit');
    expect(s.component).toBe(bundledComponent('rate-limit'));
    expect(s.capabilities).toEqual(['kv', 'clock', 'context', 'log']);
    expect(s.config).toEqual([
      ['burst', '10'],
      ['per-second', '0.3333333333333333'],
      ['key-header', 'x-api-key'],
      ['prefix', 'api:'],
    ]);
    expect(rateLimitConfig({ burst: 1, perSecond: 1e-7, key: 'ip' })).toEqual([
      ['burst', '1'],
      ['per-second', '1e-7'],
    ]);
  });

  it.each<[string, unknown, RegExp]>([
    ['not an object', null, /options must be an object/],
    ['an array', [], /options must be an object/],
    ['no burst', { perSecond: 1 }, /'burst'/],
    ['a zero burst', { burst: 0, perSecond: 1 }, /'burst'/],
    ['a fractional burst', { burst: 1.5, perSecond: 1 }, /'burst'/],
    ['a huge burst', { burst: 1e10, perSecond: 1 }, /'burst'/],
    ['a string burst', { burst: '5', perSecond: 1 }, /'burst'/],
    ['no rate', { burst: 1 }, /'perSecond'/],
    ['a zero rate', { burst: 1, perSecond: 0 }, /'perSecond'/],
    ['a negative rate', { burst: 1, perSecond: -1 }, /'perSecond'/],
    ['an infinite rate', { burst: 1, perSecond: Infinity }, /'perSecond'/],
    ['a NaN rate', { burst: 1, perSecond: NaN }, /'perSecond'/],
    ['an unknown option', { burst: 1, perSecond: 1, perMinute: 5 }, /unknown option 'perMinute'/],
    ['an unknown key kind', { burst: 1, perSecond: 1, key: 'address' }, /'key' must be/],
    ['a bad header name', { burst: 1, perSecond: 1, key: { header: 'x api key' } }, /'key.header'/],
    ['an empty header name', { burst: 1, perSecond: 1, key: { header: '' } }, /'key.header'/],
    ['an unknown key option', { burst: 1, perSecond: 1, key: { header: 'x', fallback: 'ip' } }, /unknown option 'key.fallback'/],
    ['an empty prefix', { burst: 1, perSecond: 1, prefix: '' }, /'prefix'/],
    ['a non-string prefix', { burst: 1, perSecond: 1, prefix: 1 }, /'prefix'/],
  ])('throws InvalidConfigError for %s', (_, options, message) => {
    const make = () => rateLimit(options as RateLimitOptions);
    expect(make).toThrow(InvalidConfigError);
    expect(make).toThrow(message);
  });

  it.each<[string, Array<[string, string]>, RegExp]>([
    ['no settings', [], /'burst' is required/],
    ['no rate', [['burst', '1']], /'per-second' is required/],
    ['no burst', [['per-second', '1']], /'burst' is required/],
    [
      'a zero burst',
      [
        ['burst', '0'],
        ['per-second', '1'],
      ],
      /'burst' must be/,
    ],
    [
      'a burst with a sign',
      [
        ['burst', '+5'],
        ['per-second', '1'],
      ],
      /'burst' must be/,
    ],
    [
      'a burst past the limit',
      [
        ['burst', '1000000001'],
        ['per-second', '1'],
      ],
      /'burst' must be/,
    ],
    [
      'a very long burst',
      [
        ['burst', '9'.repeat(40)],
        ['per-second', '1'],
      ],
      /'burst' must be/,
    ],
    [
      'a zero rate',
      [
        ['burst', '1'],
        ['per-second', '0'],
      ],
      /'per-second' must be/,
    ],
    [
      'a rate with a unit',
      [
        ['burst', '1'],
        ['per-second', '5/s'],
      ],
      /'per-second' must be/,
    ],
    [
      'an empty rate',
      [
        ['burst', '1'],
        ['per-second', ''],
      ],
      /'per-second' must be/,
    ],
    [
      'a negative rate',
      [
        ['burst', '1'],
        ['per-second', '-1'],
      ],
      /'per-second' must be/,
    ],
    [
      'a bad header name',
      [
        ['burst', '1'],
        ['per-second', '1'],
        ['key-header', 'a:b'],
      ],
      /'key-header'/,
    ],
    [
      'an empty prefix',
      [
        ['burst', '1'],
        ['per-second', '1'],
        ['prefix', ''],
      ],
      /'prefix'/,
    ],
    [
      'a repeated setting',
      [
        ['burst', '1'],
        ['burst', '2'],
        ['per-second', '1'],
      ],
      /'burst' given more than once/,
    ],
    [
      'an unknown setting',
      [
        ['burst', '1'],
        ['per-second', '1'],
        ['per-minute', '1'],
      ],
      /unknown setting 'per-minute'/,
    ],
  ])('the guest refuses %s', async (_, config, message) => {
    const p = pipeline([stage({ name: 'rate-limit', component: bundledComponent('rate-limit'), config, capabilities: ['kv', 'clock', 'context', 'log'] })]);
    try {
      const err = await p.ready().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(GuestConfigError);
      expect((err as Error).message).toMatch(message);
    } finally {
      await p.close();
    }
  });

  it('the guest accepts what the factory produces, fractional and tiny rates included', async () => {
    for (const perSecond of [1e-7, 1 / 3, 1e9]) {
      const p = pipeline([rateLimit({ burst: 1_000_000_000, perSecond, key: { header: 'x-k' }, prefix: '⚙:' })], { handler: () => ({ status: 204 }) });
      try {
        const res = await p.inject({});
        expect(res.status).toBe(204);
        expect(res.headers['ratelimit-limit']).toBe('1000000000');
      } finally {
        await p.close();
      }
    }
  });
});
