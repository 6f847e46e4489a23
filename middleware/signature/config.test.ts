// The factory validates options up front (InvalidConfigError); the guest validates its
// settings again, so a hand-built stage with bad config fails to load.
import { describe, expect, it } from 'vitest';
import { GuestConfigError, InvalidConfigError, pipeline, stage } from '../../src/index.js';
import { bundledComponent } from '../../src/middleware/bundled.js';
import { signature, type SignatureOptions } from '../../src/middleware/signature.js';

describe('signature: configuration', () => {
  it('turns options into config pairs', () => {
    const s = signature({ secret: 'a', secrets: ['b', Uint8Array.of(0, 255)], header: 'X-Sig', prefix: 'v=', encoding: 'base64' });
    expect(s.name).toBe('signature');
    expect(s.capabilities).toEqual(['clock', 'log']);
    expect(s.component).toBe(bundledComponent('signature'));
    expect(s.config).toEqual([
      ['secret', 'a'],
      ['secret', 'b'],
      ['secret-base64', 'AP8='],
      ['style', 'github'],
      ['header', 'x-sig'],
      ['prefix', 'v='],
      ['encoding', 'base64'],
    ]);
    expect(s.pool).toBeUndefined();
    expect(signature({ secret: 'a', style: 'stripe', toleranceSec: 60 }).config).toEqual([
      ['secret', 'a'],
      ['style', 'stripe'],
      ['tolerance-sec', '60'],
    ]);
    expect(signature({ secret: 'a', pool: { maxThreads: 2 } }).pool).toMatchObject({ maxThreads: 2, minThreads: 1 });
  });

  it.each<[string, unknown]>([
    ['no secret', {}],
    ['an empty secret', { secret: '' }],
    ['an empty secrets list', { secrets: [] }],
    ['a non-string secret', { secret: 42 }],
    ['unknown options', { secret: 'a', tolerance: 5 }],
    ['an unknown style', { secret: 'a', style: 'slack' }],
    ['a header name with a space', { secret: 'a', header: 'x sig' }],
    ['a prefix with a space', { secret: 'a', prefix: 'sha 256=' }],
    ['a prefix in stripe style', { secret: 'a', style: 'stripe', prefix: 'x' }],
    ['an unknown encoding', { secret: 'a', encoding: 'base32' }],
    ['a tolerance in github style', { secret: 'a', toleranceSec: 5 }],
    ['a zero tolerance', { secret: 'a', style: 'stripe', toleranceSec: 0 }],
    ['a fractional tolerance', { secret: 'a', style: 'stripe', toleranceSec: 1.5 }],
    ['bad pool options', { secret: 'a', pool: { maxThreads: 0 } }],
    ['not an object', null],
  ])('throws InvalidConfigError for %s', (_, options) => {
    expect(() => signature(options as SignatureOptions)).toThrow(InvalidConfigError);
  });

  it.each<[string, Array<[string, string]>, RegExp]>([
    ['no secret', [['style', 'github']], /needs a 'secret'/],
    [
      'an unknown key',
      [
        ['secret', 'a'],
        ['algorithm', 'sha1'],
      ],
      /unknown setting 'algorithm'/,
    ],
    ['bad base64', [['secret-base64', 'AP8']], /not valid base64/],
    [
      'a repeated key',
      [
        ['secret', 'a'],
        ['encoding', 'hex'],
        ['encoding', 'hex'],
      ],
      /'encoding' given more than once/,
    ],
    [
      'a bad style',
      [
        ['secret', 'a'],
        ['style', 'x'],
      ],
      /'style'/,
    ],
    [
      'a bad tolerance',
      [
        ['secret', 'a'],
        ['style', 'stripe'],
        ['tolerance-sec', '5m'],
      ],
      /'tolerance-sec'/,
    ],
    [
      'a tolerance in github style',
      [
        ['secret', 'a'],
        ['tolerance-sec', '5'],
      ],
      /stripe style only/,
    ],
    [
      'a bad header',
      [
        ['secret', 'a'],
        ['header', 'x y'],
      ],
      /'header'/,
    ],
  ])('the guest refuses %s at load', async (_, config, message) => {
    const quiet = { debug() {}, info() {}, warn() {}, error() {} };
    const p = pipeline([stage({ component: bundledComponent('signature'), config, capabilities: ['clock', 'log'] })], { logger: quiet });
    const err = await p.ready().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GuestConfigError);
    expect((err as Error).message).toMatch(message);
    await p.close();
  });
});
