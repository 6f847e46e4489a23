// node-redis (`redis`), not ioredis: it is the client Redis itself maintains and now
// recommends, promise-native with its own TypeScript types, and it has the two switches
// this store needs: `disableOfflineQueue` (commands fail at once while disconnected
// instead of piling up) and a `reconnectStrategy` function (our bounded backoff).
// ioredis is still maintained, but Redis points new projects at node-redis, where new
// server features land first. node-redis's per-command `timeout` covers a command only
// until it is written, so the deadline of each operation is kept here, around the call.
import { ClientClosedError, ClientOfflineError, createClient, ErrorReply, RESP_TYPES, type RedisArgument, type RedisClientType } from 'redis';
import { InvalidConfigError, StoreUnavailableError, StoreValueTooLargeError } from '../core/errors.js';
import type { AsyncKvStore, KvStoreStats } from '../host/async-kv.js';
import { decodeCounter, encodeCounter, notACounter } from '../host/kv.js';
import { CAS, INCR, type Script } from './scripts.js';

/** The part of a node-redis client the store uses: any `createClient()` result fits. */
export type RedisClient = Pick<RedisClientType, 'sendCommand' | 'isReady' | 'isOpen' | 'on' | 'off' | 'destroy' | 'close'>;

/** Options for {@link RedisStore}. */
export interface RedisStoreOptions {
  /** `redis[s]://[[user][:password]@]host[:port][/db]`. Required unless `client` is given. */
  url?: string;
  /**
   * A node-redis client of your own (e.g. with TLS or Sentinel settings). The store neither
   * connects nor closes it, and its own `disableOfflineQueue`/`reconnectStrategy` apply;
   * the store still refuses operations at once while it is not ready.
   */
  client?: RedisClient;
  /** Prepended to every key, so that several applications share one Redis. Default `'witline:'`. */
  keyPrefix?: string;
  /** Deadline of each operation, in ms, from call to answer. Default 50. */
  timeoutMs?: number;
  /** Deadline of one connection attempt and of `ready()`, in ms. Default 2,000. */
  connectTimeoutMs?: number;
  /** Largest value `set` and `compareAndSwap` write, in bytes. Default 1 MiB. */
  maxValueBytes?: number;
  /** Commands waiting for Redis at most; past it, operations fail at once (a stalled server must not grow a backlog). Default 1,000. */
  maxPending?: number;
  /** Reconnection backoff: the delay doubles from `minDelayMs` up to `maxDelayMs` (with jitter), retrying for as long as the store is open. Defaults 20 and 1,000. */
  reconnect?: { minDelayMs?: number; maxDelayMs?: number };
}

// Bulk strings as Buffers: values are bytes, never decoded as UTF-8.
const AS_BYTES = { [RESP_TYPES.BLOB_STRING]: Buffer } as const;
// Redis refuses a PX whose expiry overflows its 64-bit ms clock; 2^53 ms (285,000 years) is far from it and "never" in practice.
const MAX_PX = Number.MAX_SAFE_INTEGER;

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new InvalidConfigError(`RedisStore: ${name} must be a positive number, got ${value}`);
  return value;
}

/** A TTL as the scripts and `PX` take it: '0' for none (ttl <= 0, as in MemoryStore), else whole ms. */
function px(ttlMs: number): string {
  return ttlMs > 0 ? String(Math.min(Math.ceil(ttlMs), MAX_PX)) : '0';
}

function bytes(value: Uint8Array): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/**
 * The `kv` capability on Redis, shared by every process pointed at the same server:
 * `incr` and `compareAndSwap` are atomic there (Lua scripts), TTLs are `PX`, keys carry
 * `keyPrefix`, values are bytes and counters read as MemoryStore's (8-byte LE s64).
 * Every operation settles within `timeoutMs`; while disconnected, operations reject at
 * once with `StoreUnavailableError` and the client reconnects with bounded backoff.
 *
 * @example
 * ```ts
 * const kv = new RedisStore({ url: 'redis://127.0.0.1:6379', keyPrefix: 'gw:' })
 * await kv.ready()
 * ```
 */
export class RedisStore implements AsyncKvStore {
  readonly asynchronous = true as const;
  readonly #client: RedisClient;
  readonly #owned: boolean;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  readonly #connectTimeoutMs: number;
  readonly #maxValueBytes: number;
  readonly #stats = { operations: 0, failures: 0, timeouts: 0, offline: 0, reconnects: 0 };
  #lastError: unknown;
  readonly #onError = (err: unknown) => (this.#lastError = err);
  readonly #onReconnecting = () => this.#stats.reconnects++;

  constructor(options: RedisStoreOptions) {
    this.#prefix = options.keyPrefix ?? 'witline:';
    this.#timeoutMs = positive('timeoutMs', options.timeoutMs, 50);
    this.#connectTimeoutMs = positive('connectTimeoutMs', options.connectTimeoutMs, 2_000);
    this.#maxValueBytes = positive('maxValueBytes', options.maxValueBytes, 1 << 20);
    const maxPending = positive('maxPending', options.maxPending, 1_000);
    const minDelay = positive('reconnect.minDelayMs', options.reconnect?.minDelayMs, 20);
    const maxDelay = Math.max(minDelay, positive('reconnect.maxDelayMs', options.reconnect?.maxDelayMs, 1_000));
    if (options.client) {
      this.#client = options.client;
      this.#owned = false;
    } else {
      if (typeof options.url !== 'string' || !/^rediss?:\/\//.test(options.url)) {
        throw new InvalidConfigError(`RedisStore: url must be a redis:// or rediss:// URL, got ${JSON.stringify(options.url)}`);
      }
      const client = createClient({
        url: options.url,
        disableOfflineQueue: true,
        commandsQueueMaxLength: maxPending,
        socket: {
          connectTimeout: this.#connectTimeoutMs,
          // Exponential, capped, with jitter so that many gateway processes do not reconnect in lockstep; never gives up.
          reconnectStrategy: (retries) => Math.round(Math.min(maxDelay, minDelay * 2 ** Math.min(retries, 30)) * (0.5 + Math.random() / 2)),
        },
      });
      this.#client = client;
      this.#owned = true;
      // connect() settles once connected (retrying meanwhile) or when the store is closed; failures reach #onError.
      client.connect().catch(this.#onError);
    }
    // Without an 'error' listener, node-redis's EventEmitter would throw on every failed attempt.
    this.#client.on('error', this.#onError);
    this.#client.on('reconnecting', this.#onReconnecting);
  }

  /** Resolves once connected; rejects with `StoreUnavailableError` if not within `connectTimeoutMs`. */
  ready(): Promise<void> {
    if (this.#client.isReady) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.#client.off('ready', done);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#client.off('ready', done);
        reject(new StoreUnavailableError('offline', `kv: Redis not reachable within ${this.#connectTimeoutMs} ms${this.#why()}`, { cause: this.#lastError }));
      }, this.#connectTimeoutMs);
      this.#client.on('ready', done);
    });
  }

  stats(): KvStoreStats {
    return { connected: this.#client.isReady, ...this.#stats };
  }

  /** Close the connection this store opened (a client given in the options stays open). Pending operations reject. */
  async close(): Promise<void> {
    this.#client.off('reconnecting', this.#onReconnecting);
    if (!this.#owned) return void this.#client.off('error', this.#onError);
    if (this.#client.isReady) {
      // A graceful close waits for pending replies, so it is bounded like any operation.
      const closed = this.#client.close().catch(() => {});
      await Promise.race([closed, new Promise((r) => setTimeout(r, this.#timeoutMs).unref())]);
    }
    if (this.#client.isOpen) this.#client.destroy();
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const value = await this.#run<Buffer | null>(() => [['GET', this.#key(key)]]);
    return value ?? undefined;
  }

  async set(key: string, value: Uint8Array, ttlMs: number): Promise<void> {
    this.#checkSize(value);
    const ttl = px(ttlMs);
    const args: RedisArgument[] = ['SET', this.#key(key), bytes(value)];
    if (ttl !== '0') args.push('PX', ttl);
    await this.#run(() => [args]);
  }

  async incr(key: string, delta: bigint, ttlMs: number): Promise<bigint> {
    const reply = await this.#eval<Buffer>(INCR, key, [Buffer.from(encodeCounter(delta)), px(ttlMs)]);
    const next = decodeCounter(reply);
    if (next === undefined) throw notACounter(key);
    return next;
  }

  async compareAndSwap(key: string, expected: Uint8Array | undefined, value: Uint8Array, ttlMs: number): Promise<boolean> {
    this.#checkSize(value);
    const reply = await this.#eval<number>(CAS, key, [expected ? '1' : '0', expected ? bytes(expected) : '', bytes(value), px(ttlMs)]);
    return reply === 1;
  }

  async delete(key: string): Promise<void> {
    await this.#run(() => [['DEL', this.#key(key)]]);
  }

  #key(key: string): string {
    return this.#prefix + key;
  }

  #checkSize(value: Uint8Array): void {
    if (value.byteLength > this.#maxValueBytes) throw new StoreValueTooLargeError(value.byteLength, this.#maxValueBytes);
  }

  /** Run a script by its SHA; on NOSCRIPT (a restarted or flushed server) by its source, which caches it again. */
  #eval<T>(s: Script, key: string, argv: RedisArgument[]): Promise<T> {
    const k = this.#key(key);
    return this.#run<T>(() => [
      ['EVALSHA', s.sha, '1', k, ...argv],
      ['EVAL', s.source, '1', k, ...argv],
    ]);
  }

  /**
   * Send a command under the deadline. `attempts()` lists the command and, for scripts,
   * its fallback on NOSCRIPT; both fit in the one deadline. When the deadline passes, the
   * abort signal drops a command still queued in the client; one already written is
   * answered later and its answer ignored (Redis offers no way to take it back).
   */
  async #run<T>(attempts: () => RedisArgument[][]): Promise<T> {
    this.#stats.operations++;
    if (!this.#client.isReady) throw this.#fail(new StoreUnavailableError('offline', `kv: Redis is not connected${this.#why()}`, { cause: this.#lastError }));
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(new StoreUnavailableError('timeout', `kv: Redis did not answer within ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
    });
    const send = async (): Promise<T> => {
      const [first, fallback] = attempts();
      const options = { typeMapping: AS_BYTES, abortSignal: abort.signal };
      try {
        return await this.#client.sendCommand<T>(first, options);
      } catch (err) {
        if (fallback && err instanceof ErrorReply && err.message.startsWith('NOSCRIPT')) return await this.#client.sendCommand<T>(fallback, options);
        throw err;
      }
    };
    try {
      return await Promise.race([send(), deadline]);
    } catch (err) {
      throw this.#fail(err);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Count a failure and give it its typed form. */
  #fail(err: unknown): StoreUnavailableError {
    let typed: StoreUnavailableError;
    if (err instanceof StoreUnavailableError) typed = err;
    else if (err instanceof ClientOfflineError || err instanceof ClientClosedError) {
      typed = new StoreUnavailableError('offline', `kv: Redis is not connected${this.#why()}`, { cause: err });
    } else typed = new StoreUnavailableError('error', `kv: Redis failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    this.#stats.failures++;
    if (typed.reason === 'timeout') this.#stats.timeouts++;
    if (typed.reason === 'offline') this.#stats.offline++;
    return typed;
  }

  #why(): string {
    return this.#lastError instanceof Error && this.#lastError.message ? ` (${this.#lastError.message})` : '';
  }
}
