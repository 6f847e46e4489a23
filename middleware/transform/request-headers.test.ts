import { describe, expect, it } from 'vitest';
import { valuesOf, withTransform } from './support.js';

type Seen = { uri: string; headers: Array<[string, string]> };

describe('transform: request header rules', () => {
  it('sets a header, replacing every existing value whatever its case', async () => {
    const p = withTransform({ request: { setHeaders: { 'x-gateway': 'witline' } } });
    const seen = (
      await p.inject({
        headers: [
          ['X-Gateway', 'a'],
          ['x-gateway', 'b'],
          ['x-other', '1'],
        ],
      })
    ).json<Seen>();
    expect(valuesOf(seen.headers, 'x-gateway')).toEqual(['witline']);
    expect(valuesOf(seen.headers, 'x-other')).toEqual(['1']);
  });

  it('appends a header, keeping existing values, and an array appends several', async () => {
    const p = withTransform({ request: { appendHeaders: { via: '1.1 witline', 'x-tag': ['a', 'b'] } } });
    const seen = (await p.inject({ headers: { via: '1.0 edge' } })).json<Seen>();
    expect(valuesOf(seen.headers, 'via')).toEqual(['1.0 edge', '1.1 witline']);
    expect(valuesOf(seen.headers, 'x-tag')).toEqual(['a', 'b']);
  });

  it('removes every value of a header, case-insensitively', async () => {
    const p = withTransform({ request: { removeHeaders: ['cookie', 'X-Secret'] } });
    const seen = (
      await p.inject({
        headers: [
          ['Cookie', 'a=1'],
          ['cookie', 'b=2'],
          ['x-secret', 's'],
          ['x-keep', 'k'],
        ],
      })
    ).json<Seen>();
    expect(valuesOf(seen.headers, 'cookie')).toEqual([]);
    expect(valuesOf(seen.headers, 'x-secret')).toEqual([]);
    expect(valuesOf(seen.headers, 'x-keep')).toEqual(['k']);
  });

  it('renames a header, keeping its values and position', async () => {
    const p = withTransform({ request: { renameHeaders: { 'x-old': 'x-new' } } });
    const seen = (
      await p.inject({
        headers: [
          ['a', '1'],
          ['X-Old', 'v1'],
          ['b', '2'],
          ['x-old', 'v2'],
        ],
      })
    ).json<Seen>();
    const names = seen.headers.map(([k]) => k.toLowerCase());
    expect(names.slice(0, 4)).toEqual(['a', 'x-new', 'b', 'x-new']);
    expect(valuesOf(seen.headers, 'x-new')).toEqual(['v1', 'v2']);
  });

  it('applies rename, then remove, then set, then append', async () => {
    const p = withTransform({
      request: {
        appendHeaders: { 'x-c': 'appended' },
        setHeaders: { 'x-c': 'set', 'x-b': 'set-after-remove' },
        removeHeaders: ['x-b'],
        renameHeaders: { 'x-a': 'x-b' },
      },
    });
    const seen = (await p.inject({ headers: { 'x-a': 'renamed', 'x-c': 'original' } })).json<Seen>();
    // x-a became x-b, which was removed and then set; x-c was set, then appended to.
    expect(valuesOf(seen.headers, 'x-a')).toEqual([]);
    expect(valuesOf(seen.headers, 'x-b')).toEqual(['set-after-remove']);
    expect(valuesOf(seen.headers, 'x-c')).toEqual(['set', 'appended']);
  });

  it('passes Latin-1 values through intact', async () => {
    const p = withTransform({ request: { setHeaders: { 'x-note': 'café crème' } } });
    const seen = (await p.inject({ headers: { 'x-in': 'héllo' } })).json<Seen>();
    expect(valuesOf(seen.headers, 'x-note')).toEqual(['café crème']);
    expect(valuesOf(seen.headers, 'x-in')).toEqual(['héllo']);
  });

  it('leaves the request alone when there are no request rules', async () => {
    const p = withTransform({ response: { setHeaders: { 'x-r': '1' } } });
    const seen = (
      await p.inject({
        url: '/a?b=c',
        headers: [
          ['x-a', '1'],
          ['x-a', '2'],
        ],
      })
    ).json<Seen>();
    expect(seen.uri).toBe('/a?b=c');
    expect(valuesOf(seen.headers, 'x-a')).toEqual(['1', '2']);
  });
});
