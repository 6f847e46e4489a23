// Host capability `kv` (grant: 'kv'). Types: ./kv.d.ts.
import iface from 'witline:middleware/kv@0.1.0';
import { bytesOf } from './index.js';

export const kv = {
  get: (key) => iface.get(key),
  set: (key, value, ttlMs = 0) => iface.set(key, bytesOf(value), ttlMs),
  incr: (key, delta, ttlMs = 0) => Number(iface.incr(key, delta, ttlMs)),
  compareAndSwap: (key, expected, value, ttlMs = 0) => iface.compareAndSwap(key, expected === null ? null : bytesOf(expected), bytesOf(value), ttlMs),
  delete: (key) => iface.delete(key),
};
