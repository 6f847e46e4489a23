// `witline/redis`: the `kv` capability on Redis. The only module that loads the `redis`
// client (an optional peer dependency): importing `witline` never does.
export { RedisStore } from './store.js';
export type { RedisStoreOptions, RedisClient } from './options.js';
export { isAsyncKvStore, type AsyncKvStore, type KvStoreStats } from '../host/async-kv.js';
export { StoreUnavailableError, StoreValueTooLargeError } from '../core/errors.js';
