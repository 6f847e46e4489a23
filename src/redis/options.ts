// node-redis (`redis`), not ioredis: it is the client Redis itself maintains and points new
// projects at (ioredis is still maintained, but new server features land in node-redis
// first), promise-native with its own TypeScript types, and it has the two switches this
// store needs: `disableOfflineQueue` (commands fail at once while disconnected instead of
// piling up) and a `reconnectStrategy` function (our bounded backoff). Its per-command
// `timeout` covers a command only until it is written, so the store keeps the deadline of
// each operation itself (store.ts).
import { createClient, type RedisClientType } from 'redis';
import { InvalidConfigError } from '../core/errors.js';

/** The part of a node-redis client the store uses: any `createClient()` result fits. */
export type RedisClient = Pick<RedisClientType, 'sendCommand' | 'isReady' | 'isOpen' | 'on' | 'off' | 'destroy' | 'close' | 'connect'>;

/** Options for `RedisStore`. */
export interface RedisStoreOptions {
  /** `redis[s]://[[user][:password]@]host[:port][/db]`. Required unless `client` is given. */
  url?: string;
  /**
   * A node-redis client of your own (e.g. with TLS or Sentinel settings). The store neither
   * connects, replaces nor closes it, and its own `disableOfflineQueue`/`reconnectStrategy`
   * apply; the store still refuses operations at once while it is not ready.
   */
  client?: RedisClient;
  /** Prepended to every key, so that several applications share one Redis. Default `'witline:'`. */
  keyPrefix?: string;
  /** Deadline of each operation, in ms, from call to answer. Default 50. */
  timeoutMs?: number;
  /** Deadline of one connection attempt and of `ready()`, in ms. Default 2,000. */
  connectTimeoutMs?: number;
  /**
   * A connection on which commands await an answer and none has come for this long, in ms,
   * is dropped and a new one opened (a server that vanished without closing the connection
   * would otherwise hold it until the kernel gives up, minutes later). Default 1,000.
   * Only for connections the store opened.
   */
  stallMs?: number;
  /** Largest value `set` and `compareAndSwap` write, in bytes. Default 1 MiB. */
  maxValueBytes?: number;
  /** Commands awaiting Redis at most; past it, operations fail at once (a stalled server must not grow a backlog). Default 10,000. */
  maxPending?: number;
  /** Reconnection backoff: the delay doubles from `minDelayMs` up to `maxDelayMs` (with jitter), retrying for as long as the store is open. Defaults 20 and 1,000. */
  reconnect?: { minDelayMs?: number; maxDelayMs?: number };
}

/** The options, checked, with their defaults. */
export interface Settings {
  keyPrefix: string;
  timeoutMs: number;
  connectTimeoutMs: number;
  stallMs: number;
  maxValueBytes: number;
  /** Opens a new connection; undefined when the caller gave its own client. */
  open?: () => RedisClient;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidConfigError(`RedisStore: ${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}

export function settings(options: RedisStoreOptions): Settings {
  const connectTimeoutMs = positive('connectTimeoutMs', options.connectTimeoutMs, 2_000);
  const maxPending = positive('maxPending', options.maxPending, 10_000);
  const minDelay = positive('reconnect.minDelayMs', options.reconnect?.minDelayMs, 20);
  const maxDelay = Math.max(minDelay, positive('reconnect.maxDelayMs', options.reconnect?.maxDelayMs, 1_000));
  const base = {
    keyPrefix: options.keyPrefix ?? 'witline:',
    timeoutMs: positive('timeoutMs', options.timeoutMs, 50),
    connectTimeoutMs,
    stallMs: positive('stallMs', options.stallMs, 1_000),
    maxValueBytes: positive('maxValueBytes', options.maxValueBytes, 1 << 20),
  };
  if (typeof base.keyPrefix !== 'string') throw new InvalidConfigError('RedisStore: keyPrefix must be a string');
  if (options.client) return base;
  const url = options.url;
  if (typeof url !== 'string' || !/^rediss?:\/\//.test(url)) {
    throw new InvalidConfigError(`RedisStore: url must be a redis:// or rediss:// URL (or pass a client), got ${JSON.stringify(url)}`);
  }
  const open = () =>
    createClient({
      url,
      disableOfflineQueue: true,
      commandsQueueMaxLength: maxPending,
      socket: {
        connectTimeout: connectTimeoutMs,
        // Exponential, capped, with jitter so that many gateway processes do not reconnect in lockstep; never gives up.
        reconnectStrategy: (retries) => Math.round(Math.min(maxDelay, minDelay * 2 ** Math.min(retries, 30)) * (0.5 + Math.random() / 2)),
      },
    });
  return { ...base, open };
}
