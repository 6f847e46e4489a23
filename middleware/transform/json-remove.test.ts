import { describe, expect, it } from 'vitest';
import { transformJson } from './support.js';

const remove = async (paths: string[], body: string) => (await transformJson({ remove: paths }, body)).text();

describe('transform: response.json.remove', () => {
  it('removes a first, middle or last member, keeping the others byte for byte', async () => {
    const body = '{\n  "a": 1,\n  "b": [2],\n  "c": {"d": 3}\n}';
    expect(await remove(['a'], body)).toBe('{\n  "b": [2],\n  "c": {"d": 3}\n}');
    expect(await remove(['b'], body)).toBe('{\n  "a": 1,\n  "c": {"d": 3}\n}');
    expect(await remove(['c'], body)).toBe('{\n  "a": 1,\n  "b": [2]\n}');
    expect(await remove(['a', 'b', 'c'], body)).toBe('{}');
  });

  it('removes the only member', async () => {
    expect(await remove(['x'], '{ "x" : 1 }')).toBe('{}');
  });

  it('removes a nested member and every duplicate', async () => {
    expect(await remove(['data.internal'], '{"data":{"internal":1,"ok":2,"internal":3}}')).toBe('{"data":{"ok":2}}');
  });

  it('changes nothing when the path is absent or runs through a non-object', async () => {
    const body = '{"a":{"b":1},"s":"x","l":[{"b":1}]}';
    expect(await remove(['c', 'a.c', 's.b', 'l.b', 'x.y.z'], body)).toBe(body);
  });

  it('matches escaped and unicode keys', async () => {
    expect(await remove(['internal', 'ключ', '😀'], '{"inter\\u006eal":1,"ключ":2,"\\ud83d\\ude00":3,"ok":4}')).toBe('{"ok":4}');
  });
});
