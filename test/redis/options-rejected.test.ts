// Bad options are refused when the store is made, with WITLINE_INVALID_CONFIG, never later per operation.
import { expect, it } from 'vitest';
import { RedisStore, type RedisStoreOptions } from '../../src/redis/index.js';

it.each<[string, RedisStoreOptions]>([
  ['no url and no client', {}],
  ['a url that is not redis://', { url: 'http://127.0.0.1:6379' }],
  ['a zero timeout', { url: 'redis://127.0.0.1:1', timeoutMs: 0 }],
  ['a negative value cap', { url: 'redis://127.0.0.1:1', maxValueBytes: -1 }],
  ['a NaN stall time', { url: 'redis://127.0.0.1:1', stallMs: NaN }],
  ['an infinite reconnect delay', { url: 'redis://127.0.0.1:1', reconnect: { maxDelayMs: Infinity } }],
])('refuses %s', (_, options) => {
  expect(() => new RedisStore(options)).toThrow(expect.objectContaining({ code: 'WITLINE_INVALID_CONFIG', statusCode: 500 }));
});
