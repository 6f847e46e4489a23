// The factory validates options up front (InvalidConfigError); the guest validates
// its settings again, so a hand-built stage with bad config fails to load.
import { describe, expect, it } from 'vitest';
import { GuestConfigError, InvalidConfigError, pipeline, stage } from '../../src/index.js';
import { auth, type AuthOptions } from '../../src/middleware/auth.js';
import { bundledComponent } from '../../src/middleware/bundled.js';

describe('auth: configuration', () => {
  it('turns options into config pairs, one per repeated key', () => {
    const s = auth({
      secret: 'a',
      secrets: ['b', Uint8Array.of(0, 255)],
      issuer: 'i',
      audience: 'aud',
      clockSkewSec: 0,
      apiKeys: ['k1', 'k2'],
      apiKeyHeader: 'X-Key',
      realm: 'r',
    });
    expect(s.name).toBe('auth');
    expect(s.capabilities).toEqual(['clock', 'log']);
    expect(s.component).toBe(bundledComponent('auth'));
    expect(s.config).toEqual([
      ['secret', 'a'],
      ['secret', 'b'],
      ['secret-base64', 'AP8='],
      ['api-key', 'k1'],
      ['api-key', 'k2'],
      ['issuer', 'i'],
      ['audience', 'aud'],
      ['clock-skew-sec', '0'],
      ['api-key-header', 'x-key'],
      ['realm', 'r'],
    ]);
  });

  it.each<[string, unknown]>([
    ['no credentials', {}],
    ['empty lists', { secrets: [], apiKeys: [] }],
    ['an empty secret', { secret: '' }],
    ['an empty binary secret', { secret: new Uint8Array(0) }],
    ['a non-string secret', { secret: 42 }],
    ['an empty api key', { apiKeys: [''] }],
    ['unknown options', { secret: 'a', audiance: 'x' }],
    ['issuer without a secret', { apiKeys: ['k'], issuer: 'i' }],
    ['an empty audience', { secret: 'a', audience: '' }],
    ['a negative skew', { secret: 'a', clockSkewSec: -1 }],
    ['a NaN skew', { secret: 'a', clockSkewSec: Number.NaN }],
    ['a header name with a space', { apiKeys: ['k'], apiKeyHeader: 'x api key' }],
    ['a realm with a quote', { secret: 'a', realm: 'a"b' }],
    ['a realm with a newline', { secret: 'a', realm: 'a\nb' }],
    ['not an object', null],
  ])('throws InvalidConfigError for %s', (_, options) => {
    expect(() => auth(options as AuthOptions)).toThrow(InvalidConfigError);
  });

  it.each<[string, Array<[string, string]>, RegExp]>([
    [
      'an unknown key',
      [
        ['secret', 'a'],
        ['audiance', 'x'],
      ],
      /unknown setting 'audiance'/,
    ],
    ['no secret and no api key', [['realm', 'r']], /needs a 'secret' or an 'api-key'/],
    ['no settings at all', [], /needs a 'secret' or an 'api-key'/],
    ['an empty secret', [['secret', '']], /must not be empty/],
    ['bad base64', [['secret-base64', 'AP8']], /not valid base64/],
    [
      'a repeated single-valued key',
      [
        ['secret', 'a'],
        ['issuer', 'a'],
        ['issuer', 'b'],
      ],
      /'issuer' given more than once/,
    ],
    [
      'a bad skew',
      [
        ['secret', 'a'],
        ['clock-skew-sec', '30s'],
      ],
      /clock-skew-sec/,
    ],
    [
      'a bad header name',
      [
        ['api-key', 'k'],
        ['api-key-header', 'a:b'],
      ],
      /api-key-header/,
    ],
    [
      'a bad realm',
      [
        ['secret', 'a'],
        ['realm', 'a\\b'],
      ],
      /realm/,
    ],
    [
      'audience without a secret',
      [
        ['api-key', 'k'],
        ['audience', 'x'],
      ],
      /need a 'secret'/,
    ],
  ])('the guest refuses %s', async (_, config, message) => {
    const p = pipeline([stage({ name: 'auth', component: bundledComponent('auth'), config, capabilities: ['clock', 'log'] })]);
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

  it('the guest accepts settings the factory never emits but are valid, e.g. exponent skew', async () => {
    const p = pipeline([
      stage({
        name: 'auth',
        component: bundledComponent('auth'),
        config: [
          ['secret', 'a'],
          ['clock-skew-sec', '1e1'],
        ],
        capabilities: ['clock', 'log'],
      }),
    ]);
    try {
      await expect(p.ready()).resolves.toBeUndefined();
    } finally {
      await p.close();
    }
  });
});
