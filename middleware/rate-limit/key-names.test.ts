// A bucket's kv key is `prefix`, a tag, then the client's id: `h:<value>` for a header
// value of up to 64 characters, else `h#<hex SHA-256 of its UTF-8>` (`a` for an address).
// Keys are what other processes sharing the store (and stores written by earlier
// versions) look buckets up by: the exact names are fixed here.
import { createHash } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import { MemoryStore, pipeline, type Pipeline } from '../../src/index.js';
import { rateLimit } from '../../src/middleware/index.js';

const open: Pipeline[] = [];
afterAll(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

const hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

it('names buckets by prefix, tag and id, by digest past 64 characters', async () => {
  const store = new MemoryStore();
  const p = pipeline([rateLimit({ burst: 5, perSecond: 1, prefix: 'pfx:', key: { header: 'x-api-key' } })], {
    kv: store,
    handler: () => ({ status: 200, body: 'ok' }),
  });
  open.push(p);
  // 64 and 65 ASCII characters; 40 characters of two UTF-8 bytes each (80 bytes, yet raw:
  // the limit counts characters); 65 of them (by digest of the UTF-8).
  const ids = ['a'.repeat(64), 'b'.repeat(65), 'é'.repeat(40), 'é'.repeat(65)];
  const expected = ['pfx:h:' + ids[0], 'pfx:h#' + hex(ids[1]), 'pfx:h:' + ids[2], 'pfx:h#' + hex(ids[3])];
  for (const id of ids) {
    const res = await p.inject({ headers: { 'x-api-key': id } });
    expect(res.status).toBe(200);
  }
  await p.inject({ remoteAddress: '192.0.2.7' });
  const keys: string[] = [];
  for (const k of [...expected, 'pfx:a:192.0.2.7']) if (store.get(k) === undefined) keys.push(k);
  expect(keys).toEqual([]);
  expect(store.size).toBe(5);
});
