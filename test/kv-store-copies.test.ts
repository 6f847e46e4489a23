import { expect, it } from 'vitest';
import { MemoryStore } from '../src/index.js';

// The store keeps copies of what it is given and hands out copies of what it holds, a
// Buffer (whose `slice` is a view, not a copy) included: a caller's later writes to its
// bytes never reach the store, and a value read is the caller's to change.
it('keeps and hands out copies, Buffers included', () => {
  const kv = new MemoryStore();
  const given = Buffer.from('abcd');
  kv.set('k', given, 0);
  given[0] = 0x7a;
  const read = kv.get('k')!;
  expect(Buffer.from(read).toString()).toBe('abcd');
  read[1] = 0x7a;
  expect(Buffer.from(kv.get('k')!).toString()).toBe('abcd');

  const swapped = Buffer.from('wxyz');
  expect(kv.compareAndSwap('k', Buffer.from('abcd'), swapped, 0)).toBe(true);
  swapped[0] = 0x41;
  expect(Buffer.from(kv.get('k')!).toString()).toBe('wxyz');
  // A value read can be decoded from its own buffer: it is not a view into something larger.
  expect(kv.get('k')!.byteOffset).toBe(0);
});
