// The store holds at most `maxTotalBytes` (key characters plus value bytes): a flood past it
// fails that request (500) once full, live entries are not evicted for it, and expired
// entries are swept to make room.
import { afterAll, expect, it } from 'vitest';
import { MemoryStore, pipeline } from '../../src/index.js';
import { hostile } from '../support/components.js';

let now = 1_000_000;
const kv = new MemoryStore({ maxTotalBytes: 1024 * 1024, now: () => now });
const p = pipeline([hostile()], { kv, clock: () => now });
afterAll(() => p.close());

it('refuses the write that would overflow the store and keeps what it holds', async () => {
  kv.set('bucket:alice', new Uint8Array(16), 0);
  const res = await p.inject({ url: '/kv', headers: { 'x-kv-bytes': String(64 * 1024), 'x-kv-count': '100' } });
  expect(res.status).toBe(500);
  expect((res.json() as { message: string }).message).toContain('the store is full (maxTotalBytes 1048576)');
  expect(kv.bytes).toBeLessThanOrEqual(1024 * 1024);
  // 15 values of 64 KiB fit beside the bucket; the 16th does not.
  expect(kv.size).toBe(16);
  expect(kv.get('bucket:alice')?.byteLength).toBe(16);
});

it('sweeps expired entries to make room', () => {
  kv.set('short', new Uint8Array(1000), 10);
  now += 11;
  for (let i = 0; i < 15; i++) kv.delete(`flood:${i}`);
  for (let i = 0; i < 15; i++) kv.set(`ttl:${i}`, new Uint8Array(64 * 1024), 5);
  now += 6;
  expect(() => kv.set('big', new Uint8Array(64 * 1024), 0)).not.toThrow();
  expect(kv.get('bucket:alice')?.byteLength).toBe(16);
});
