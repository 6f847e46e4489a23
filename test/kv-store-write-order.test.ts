import { expect, it } from 'vitest';
import { MemoryStore } from '../src/index.js';

const bytes = (s: string) => new TextEncoder().encode(s);

// Eviction takes the least recently *written* entries: a rewrite (of the same size, which
// the store does in place, or of another size, or by compare-and-swap) makes an entry the
// newest, a read does not, and the byte count follows every change of size.
it('evicts by last write, whatever the write, and counts bytes through rewrites', () => {
  const kv = new MemoryStore({ maxEntries: 3 });
  kv.set('a', bytes('1'), 0);
  kv.set('b', bytes('2'), 0);
  kv.set('c', bytes('3'), 0);
  expect(kv.bytes).toBe(6);
  kv.set('a', bytes('9'), 0); // same size: in place, yet now the newest
  kv.get('b'); // a read changes nothing
  kv.set('d', bytes('4'), 0);
  expect(kv.get('b')).toBeUndefined();
  expect(kv.get('a')).toEqual(bytes('9'));

  expect(kv.compareAndSwap('c', bytes('3'), bytes('33'), 0)).toBe(true); // another size: c is the newest
  expect(kv.bytes).toBe(2 + 2 + 3);
  kv.set('e', bytes('5'), 0);
  expect(kv.get('a')).toBeUndefined();
  expect([kv.get('c'), kv.get('d'), kv.get('e')]).toEqual([bytes('33'), bytes('4'), bytes('5')]);

  kv.set('c', bytes('x'), 0); // the newest rewritten: stays the newest
  kv.set('f', bytes('6'), 0);
  expect(kv.get('d')).toBeUndefined();
  expect(kv.size).toBe(3);
  kv.delete('e');
  kv.delete('c');
  kv.delete('f');
  expect([kv.size, kv.bytes]).toEqual([0, 0]);
  // The list is whole again after deleting its head, middle and tail: new writes evict in order.
  for (const k of ['p', 'q', 'r', 's']) kv.set(k, bytes(k), 0);
  expect(kv.get('p')).toBeUndefined();
  expect(kv.size).toBe(3);
});

it('a value read is not changed by a later write of the same size', () => {
  const kv = new MemoryStore();
  kv.set('k', bytes('abcd'), 0);
  const read = kv.get('k')!;
  kv.set('k', bytes('wxyz'), 0);
  expect(new TextDecoder().decode(read)).toBe('abcd');
  expect(new TextDecoder().decode(kv.get('k'))).toBe('wxyz');
});
