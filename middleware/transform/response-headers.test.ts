import { describe, expect, it } from 'vitest';
import { answering, valuesOf } from './support.js';

const upstream = {
  status: 201,
  headers: [
    ['Server', 'upstream/1.0'],
    ['x-old', 'o1'],
    ['x-powered-by', 'php'],
    ['X-Powered-By', 'asp'],
    ['via', '1.0 origin'],
  ] as Array<[string, string]>,
  body: 'hello',
};

describe('transform: response header rules', () => {
  it('sets, appends, removes and renames response headers', async () => {
    const p = answering(
      {
        response: {
          setHeaders: { server: 'witline' },
          appendHeaders: { via: '1.1 witline' },
          removeHeaders: ['x-powered-by'],
          renameHeaders: { 'x-old': 'x-new' },
        },
      },
      upstream,
    );
    const res = await p.inject();
    expect(res.status).toBe(201);
    expect(res.text()).toBe('hello');
    expect(valuesOf(res.rawHeaders, 'server')).toEqual(['witline']);
    expect(valuesOf(res.rawHeaders, 'via')).toEqual(['1.0 origin', '1.1 witline']);
    expect(valuesOf(res.rawHeaders, 'x-powered-by')).toEqual([]);
    expect(valuesOf(res.rawHeaders, 'x-old')).toEqual([]);
    expect(valuesOf(res.rawHeaders, 'x-new')).toEqual(['o1']);
  });

  it('applies rename, then remove, then set, then append', async () => {
    const p = answering(
      { response: { appendHeaders: { server: 'extra' }, setHeaders: { server: 'witline' }, removeHeaders: ['x-new'], renameHeaders: { 'x-old': 'x-new' } } },
      upstream,
    );
    const res = await p.inject();
    expect(valuesOf(res.rawHeaders, 'x-new')).toEqual([]);
    expect(valuesOf(res.rawHeaders, 'server')).toEqual(['witline', 'extra']);
  });

  it('keeps request and response rules apart', async () => {
    const p = answering({ request: { setHeaders: { 'x-req': '1' } }, response: { setHeaders: { 'x-resp': '1' } } }, upstream);
    const res = await p.inject();
    expect(res.headers['x-req']).toBeUndefined();
    expect(res.headers['x-resp']).toBe('1');
  });

  it('leaves an empty body and unrelated headers as they were', async () => {
    const p = answering({ response: { setHeaders: { 'cache-control': 'no-store' } } }, { status: 204, headers: { etag: '"abc"' } });
    const res = await p.inject();
    expect(res.status).toBe(204);
    expect(res.headers.etag).toBe('"abc"');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.byteLength).toBe(0);
  });
});
