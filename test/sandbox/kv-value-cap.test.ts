// A kv write over `maxValueBytes` (default 64 KiB) fails the guest's call as a trap does
// (500, the instance replaced), and the store keeps nothing of it.
import { afterAll, expect, it } from 'vitest';
import { MemoryStore, pipeline } from '../../src/index.js';
import { hostile } from '../support/components.js';

const kv = new MemoryStore();
const p = pipeline([hostile()], { kv });
afterAll(() => p.close());

const flood = (bytes: number, count = 1) => p.inject({ url: '/kv', headers: { 'x-kv-bytes': String(bytes), 'x-kv-count': String(count) } });

it('stores a value of 64 KiB and refuses one byte more', async () => {
  expect((await flood(64 * 1024)).status).toBe(200);
  expect(kv.get('flood:0')?.byteLength).toBe(64 * 1024);
  kv.delete('flood:0');

  const res = await flood(64 * 1024 + 1);
  expect(res.status).toBe(500);
  expect(res.json()).toMatchObject({ error: 'WITLINE_GUEST_TRAP' });
  expect((res.json() as { message: string }).message).toContain('over maxValueBytes (65536)');
  expect(kv.size).toBe(0);
  expect(kv.bytes).toBe(0);
  expect(p.describe().stages[0].replacedInstances).toBe(1);
  expect((await p.inject({ url: '/' })).headers['x-calls']).toBe('1');
});
