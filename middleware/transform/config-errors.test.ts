import { afterAll, describe, expect, it } from 'vitest';
import { GuestConfigError, InvalidConfigError, pipeline, stage, type Pipeline } from '../../src/index.js';
import { bundledComponent } from '../../src/middleware/bundled.js';
import { transform, transformConfig, type TransformOptions } from '../../src/middleware/transform.js';

const bad = (options: unknown) => () => transform(options as TransformOptions);

describe('transform: options are checked on the host', () => {
  it('rejects header names that are not tokens', () => {
    for (const name of ['', 'x y', 'x:y', 'x\r\ny', 'café', 'a(b)']) {
      expect(bad({ request: { setHeaders: { [name]: 'v' } } })).toThrow(InvalidConfigError);
      expect(bad({ response: { removeHeaders: [name] } })).toThrow(InvalidConfigError);
      expect(bad({ response: { renameHeaders: { 'x-ok': name } } })).toThrow(InvalidConfigError);
    }
  });

  it('rejects header values with CR, LF, NUL, other controls or non-Latin-1 characters', () => {
    for (const value of ['a\r\nx-injected: 1', 'a\nb', 'a\0b', 'a\x7fb', 'a\x1bb', '😀']) {
      expect(bad({ request: { setHeaders: { 'x-a': value } } })).toThrow(/transform: request\.setHeaders: the value/);
      expect(bad({ response: { appendHeaders: { 'x-a': ['ok', value] } } })).toThrow(InvalidConfigError);
    }
    expect(bad({ request: { setHeaders: { 'x-a': 1 } } })).toThrow(/must be a string/);
  });

  it('rejects unknown options, naming them', () => {
    expect(bad({ requests: {} })).toThrow(/unknown option transform options\.requests/);
    expect(bad({ request: { setHeader: { a: 'b' } } })).toThrow(/unknown option request\.setHeader/);
    expect(bad({ request: { json: { set: {} } } })).toThrow(/unknown option request\.json/);
    expect(bad({ response: { json: { add: {} } } })).toThrow(/unknown option response\.json\.add/);
    expect(bad({ response: { removeHeaders: 'cookie' } })).toThrow(/must be an array/);
  });

  it('rejects bad path rewrites', () => {
    for (const rewritePath of [
      { from: 'api/', to: '/v1/' },
      { from: '/api/', to: 'v1/' },
      { from: '/a b/', to: '/' },
      { from: '/a?', to: '/' },
      { from: '/api' },
      { from: '/é', to: '/' },
    ]) {
      expect(bad({ request: { rewritePath } })).toThrow(InvalidConfigError);
    }
  });

  it('rejects bad JSON paths and values', () => {
    for (const path of ['', '.a', 'a.', 'a..b', 'a\\b', 'a\\']) {
      expect(bad({ response: { json: { set: { [path]: 1 } } } })).toThrow(InvalidConfigError);
      expect(bad({ response: { json: { remove: [path] } } })).toThrow(InvalidConfigError);
    }
    expect(bad({ response: { json: { set: { a: undefined } } } })).toThrow(/cannot be serialised/);
    expect(bad({ response: { json: { set: { a: () => 1 } } } })).toThrow(/cannot be serialised/);
    expect(bad({ response: { json: { set: { a: 10n } } } })).toThrow(/cannot be serialised/);
  });

  it('rejects a rename that leaves its object or changes nothing', () => {
    expect(bad({ response: { json: { rename: { 'a.b': 'c.b' } } } })).toThrow(/same object/);
    expect(bad({ response: { json: { rename: { 'a.b': 'a.b.c' } } } })).toThrow(/same object/);
    expect(bad({ response: { json: { rename: { a: 'a' } } } })).toThrow(/to itself/);
  });

  it('encodes options as the documented settings', () => {
    expect(
      transformConfig({
        request: { renameHeaders: { 'x-old': 'x-new' }, setHeaders: { 'x-gateway': 'witline' }, rewritePath: { from: '/api/', to: '/v1/' } },
        response: { appendHeaders: { via: '1.1 witline' }, json: { set: { 'a\\.b.c=d': { x: 1 } }, rename: { 'data.old': 'new' }, remove: ['internal'] } },
      }),
    ).toEqual([
      ['request.rename-header', 'x-old x-new'],
      ['request.set-header', 'x-gateway: witline'],
      ['request.rewrite-path', '/api/ /v1/'],
      ['response.append-header', 'via: 1.1 witline'],
      ['response.json-rename', 'data.old=data.new'],
      ['response.json-remove', 'internal'],
      ['response.json-set', 'a\\.b.c\\=d={"x":1}'],
    ]);
    expect(transform().config).toEqual([]);
  });
});

describe('transform: the guest checks its settings too', () => {
  const open: Pipeline[] = [];
  afterAll(() => Promise.all(open.map((p) => p.close())));

  async function configureWith(config: Array<[string, string]>) {
    const p = pipeline([stage({ name: 'transform', component: bundledComponent('transform'), capabilities: ['log'], config })]);
    open.push(p);
    return p.ready();
  }

  it('accepts every documented setting', async () => {
    await expect(
      configureWith([
        ['request.rename-header', 'x-old x-new'],
        ['request.remove-header', 'cookie'],
        ['request.set-header', 'x-a: b c'],
        ['request.append-header', 'x-a:'],
        ['request.rewrite-path', '/api '],
        ['response.rename-header', 'a b'],
        ['response.remove-header', 'server'],
        ['response.set-header', 'x: y'],
        ['response.append-header', 'via: 1.1 witline'],
        ['response.json-rename', 'a\\.b=c'],
        ['response.json-remove', 'x.y'],
        ['response.json-set', 'x.y= {"z": [1, "é"]} '],
      ]),
    ).resolves.toBeUndefined();
  });

  it('rejects unknown keys and malformed values with a reason', async () => {
    const cases: Array<[[string, string], RegExp]> = [
      [['request.json-set', 'a=1'], /request\.json-set: unknown setting/],
      [['rewrite-path', '/a /b'], /unknown setting/],
      [['request.set-header', 'no colon'], /expected 'name: value'/],
      [['request.set-header', 'x y: v'], /expected 'name: value'/],
      [['response.append-header', 'x: a\u0001b'], /forbidden character/],
      [['response.set-header', 'x: 😀'], /forbidden character/],
      [['response.remove-header', 'a,b'], /invalid header name/],
      [['request.rename-header', 'only-one'], /expected 'from to'/],
      [['request.rewrite-path', 'api/ /v1/'], /path prefixes/],
      [['request.rewrite-path', '/api/ v1/'], /path prefixes/],
      [['request.rewrite-path', '/a /b /c'], /path prefixes/],
      [['response.json-set', 'a.b'], /expected 'path=\.\.\.'/],
      [['response.json-set', 'a={'], /not JSON/],
      [['response.json-set', 'a=1 2'], /not JSON/],
      [['response.json-set', 'a..b=1'], /invalid path/],
      [['response.json-remove', 'a=b'], /invalid path/],
      [['response.json-remove', 'a\\x'], /invalid path/],
      [['response.json-rename', 'a.b=c.b'], /same object/],
      [['response.json-rename', 'a.b=a'], /same object/],
    ];
    for (const [pair, reason] of cases) {
      const err = await configureWith([pair]).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, pair.join(' = ')).toBeInstanceOf(GuestConfigError);
      expect((err as Error).message).toMatch(reason);
    }
  });
});
