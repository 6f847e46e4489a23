import { expect, it } from 'vitest';
import { MemoryStore } from '../src/index.js';

const bytes = (s: string) => new TextEncoder().encode(s);

it('expires entries on the injected clock, counts, and swaps atomically', () => {
  let now = 1_000;
  const kv = new MemoryStore({ now: () => now });
  kv.set('a', bytes('1'), 100);
  expect(kv.get('a')).toEqual(bytes('1'));
  now += 100;
  expect(kv.get('a')).toBeUndefined();

  expect(kv.incr('n', 5n, 0)).toBe(5n);
  expect(kv.incr('n', -7n, 0)).toBe(-2n);
  expect(kv.incr('max', (1n << 63n) - 1n, 0)).toBe((1n << 63n) - 1n);
  expect(kv.incr('max', 1n, 0)).toBe(-(1n << 63n)); // s64 wraps
  kv.set('s', bytes('text'), 0);
  expect(() => kv.incr('s', 1n, 0)).toThrow(/not hold a counter/);

  expect(kv.compareAndSwap('c', undefined, bytes('x'), 0)).toBe(true);
  expect(kv.compareAndSwap('c', undefined, bytes('y'), 0)).toBe(false);
  expect(kv.compareAndSwap('c', bytes('y'), bytes('z'), 0)).toBe(false);
  expect(kv.compareAndSwap('c', bytes('x'), bytes('z'), 50)).toBe(true);
  expect(kv.get('c')).toEqual(bytes('z'));
  now += 50;
  expect(kv.compareAndSwap('c', undefined, bytes('fresh'), 0)).toBe(true); // expired counts as absent
  kv.delete('c');
  expect(kv.get('c')).toBeUndefined();
});

it('evicts the least recently written entries past maxEntries', () => {
  const kv = new MemoryStore({ maxEntries: 3 });
  for (const k of ['a', 'b', 'c', 'd']) kv.set(k, bytes(k), 0);
  expect(kv.size).toBe(3);
  expect(kv.get('a')).toBeUndefined();
  expect(kv.get('d')).toEqual(bytes('d'));
});
