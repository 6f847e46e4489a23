import { describe, expect, it } from 'vitest';
import { answering, jsonBody, transformJson } from './support.js';

describe('transform: response.json.set', () => {
  it('replaces an existing value in place, keeping every other byte', async () => {
    const body = '{\n  "version": 1,\n  "name" : "x",\n  "list": [1, 2]\n}\n';
    const res = await transformJson({ set: { version: 2, name: { first: 'A' } } }, body);
    expect(res.text()).toBe('{\n  "version": 2,\n  "name" : {"first":"A"},\n  "list": [1, 2]\n}\n');
  });

  it('adds a missing key at the end of its object', async () => {
    expect((await transformJson({ set: { added: true } }, '{"a":1}')).text()).toBe('{"a":1,"added":true}');
    expect((await transformJson({ set: { added: null } }, ' { } ')).text()).toBe(' {"added":null } ');
  });

  it('creates missing intermediate objects', async () => {
    const res = await transformJson({ set: { 'meta.gateway': 'witline', 'data.deep.er': [1, 'two'] } }, '{"data":{"x":0}}');
    expect(res.text()).toBe('{"data":{"x":0,"deep":{"er":[1,"two"]}},"meta":{"gateway":"witline"}}');
  });

  it('sets into an existing nested object', async () => {
    const res = await transformJson({ set: { 'meta.gateway': 'witline' } }, '{"meta": {"id": 7}, "z": 1}');
    expect(res.text()).toBe('{"meta": {"id": 7,"gateway":"witline"}, "z": 1}');
  });

  it('skips a rule whose intermediate value is not an object', async () => {
    const body = '{"meta":"text","list":[{"a":1}],"n":null}';
    const res = await transformJson({ set: { 'meta.gateway': 1, 'list.0': 2, 'n.x': 3, ok: 4 } }, body);
    expect(res.text()).toBe('{"meta":"text","list":[{"a":1}],"n":null,"ok":4}');
  });

  it('applies several rules in order, each seeing the previous result', async () => {
    const res = await transformJson({ set: { a: { b: 1 }, 'a.c': 2 } }, '{}');
    expect(res.json()).toEqual({ a: { b: 1, c: 2 } });
  });

  it('sets the value JSON.parse would read when a key repeats', async () => {
    const res = await transformJson({ set: { k: 'new' } }, '{"k":"first","k":"last"}');
    expect(res.text()).toBe('{"k":"first","k":"new"}');
    expect(res.json()).toEqual({ k: 'new' });
  });

  it('matches escaped and unicode keys in the body by their decoded value', async () => {
    const body = '{"user\\u005fname":"a","caf\\u00e9":1,"日本":{"ключ":0},"\\ud83d\\ude00":0}';
    const res = await transformJson({ set: { user_name: 'b', café: 2, '日本.ключ': 'значение', '😀': 'ok' } }, body);
    expect(res.text()).toBe('{"user\\u005fname":"b","caf\\u00e9":2,"日本":{"ключ":"значение"},"\\ud83d\\ude00":"ok"}');
  });

  it('writes new keys and values JSON-encoded, unicode kept', async () => {
    const res = await transformJson({ set: { 'new "key"\n': 'tab\there', 'ñ.ü': '€ 😀' } }, '{}');
    expect(res.json()).toEqual({ 'new "key"\n': 'tab\there', ñ: { ü: '€ 😀' } });
  });

  it('reads an escaped dot or backslash as part of a key', async () => {
    const res = await transformJson({ set: { 'a\\.b': 1, 'c\\\\.d': 2, 'e=f': 3 } }, '{"a":{"b":0}}');
    expect(res.json()).toEqual({ a: { b: 0 }, 'a.b': 1, 'c\\': { d: 2 }, 'e=f': 3 });
  });

  it('handles a +json content type with parameters', async () => {
    const res = await transformJson({ set: { v: 1 } }, '{}', 'Application/Problem+JSON; charset=utf-8');
    expect(res.json()).toEqual({ v: 1 });
  });

  it('frames the longer body with a matching content-length', async () => {
    const p = answering(
      { response: { json: { set: { added: 'longer body now' } } } },
      {
        status: 200,
        headers: [
          ['content-type', 'application/json'],
          ['content-length', '2'],
        ],
        body: '{}',
      },
    );
    const res = await p.inject();
    expect(res.text()).toBe('{"added":"longer body now"}');
    expect(res.rawHeaders.filter(([k]) => k.toLowerCase() === 'content-length')).toEqual([['content-length', String(res.body.byteLength)]]);
  });

  it('keeps a large body intact around the edit', async () => {
    const items = Array.from({ length: 2000 }, (_, i) => ({ id: i, name: `item ${i} ✓` }));
    const body = JSON.stringify({ items, total: 2000 }, null, 2);
    const p = answering({ response: { json: { set: { total: 1 } } } }, jsonBody(body));
    const res = await p.inject();
    expect(res.text()).toBe(body.replace('"total": 2000', '"total": 1'));
  });
});
