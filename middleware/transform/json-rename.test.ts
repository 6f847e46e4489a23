import { describe, expect, it } from 'vitest';
import { transformJson } from './support.js';

describe('transform: response.json.rename', () => {
  it('renames a root key in place, keeping the value bytes and the formatting', async () => {
    const body = '{\n  "id": 1,\n  "user_name" :  { "first" : "Ada" },\n  "z": []\n}';
    const res = await transformJson({ rename: { user_name: 'userName' } }, body);
    expect(res.text()).toBe('{\n  "id": 1,\n  "userName" :  { "first" : "Ada" },\n  "z": []\n}');
  });

  it('renames a nested key, given the full new path or just the new key', async () => {
    const body = '{"data":{"old":1,"keep":2},"old":3}';
    expect((await transformJson({ rename: { 'data.old': 'data.new' } }, body)).text()).toBe('{"data":{"new":1,"keep":2},"old":3}');
    expect((await transformJson({ rename: { 'data.old': 'new' } }, body)).text()).toBe('{"data":{"new":1,"keep":2},"old":3}');
  });

  it('replaces a member already named like the target', async () => {
    expect((await transformJson({ rename: { a: 'b' } }, '{"b":0,"a":1,"c":2}')).text()).toBe('{"b":1,"c":2}');
    expect((await transformJson({ rename: { a: 'b' } }, '{"a":1, "b":0}')).text()).toBe('{"b":1}');
    expect((await transformJson({ rename: { a: 'b' } }, '{"x":9,"a":1,"b":0,"b":-1}')).json()).toEqual({ x: 9, b: 1 });
  });

  it('changes nothing when the key is absent, not even an existing target', async () => {
    const body = '{"b":0,"nested":{"a":1}}';
    expect((await transformJson({ rename: { a: 'b', 'missing.a': 'c' } }, body)).text()).toBe(body);
  });

  it('renames every duplicate, so JSON.parse still reads the last value', async () => {
    const res = await transformJson({ rename: { k: 'n' } }, '{"k":1,"x":0,"k":2}');
    expect(res.text()).toBe('{"n":1,"x":0,"n":2}');
    expect(res.json()).toEqual({ n: 2, x: 0 });
  });

  it('matches escaped and unicode keys, writing the new key encoded', async () => {
    const body = '{"user\\u005fname":"a","na\\u00efve":1,"ключ":2,"\\ud83d\\ude00":3}';
    const res = await transformJson({ rename: { user_name: 'userName', naïve: 'näive', ключ: 'key "q"', '😀': '🙂' } }, body);
    expect(res.text()).toBe('{"userName":"a","näive":1,"key \\"q\\"":2,"🙂":3}');
  });

  it('renames before remove and set', async () => {
    const res = await transformJson({ rename: { a: 'b' }, remove: ['b'], set: { a: 'new' } }, '{"a":1}');
    expect(res.text()).toBe('{"a":"new"}');
  });

  it('leaves a path through a non-object alone', async () => {
    const body = '{"data":[{"old":1}],"s":"old"}';
    expect((await transformJson({ rename: { 'data.old': 'new', 's.old': 'new' } }, body)).text()).toBe(body);
  });
});
