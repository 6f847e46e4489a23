import { ClientClosedError, ClientOfflineError, ErrorReply, RESP_TYPES, type RedisArgument } from 'redis';
import { StoreUnavailableError, StoreValueTooLargeError } from '../core/errors.js';
import type { AsyncKvStore, KvStoreStats } from '../host/async-kv.js';
import { decodeCounter, encodeCounter, notACounter } from '../host/kv.js';
import { settings, type RedisClient, type RedisStoreOptions, type Settings } from './options.js';
import { CAS, INCR, type Script } from './scripts.js';

// Bulk strings as Buffers: values are bytes, never decoded as UTF-8.
const AS_BYTES = { [RESP_TYPES.BLOB_STRING]: Buffer } as const;
// Redis refuses a PX whose expiry overflows its 64-bit ms clock; 2^53 ms (285,000 years) is far from it and "never" in practice.
const MAX_PX = Number.MAX_SAFE_INTEGER;

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
  readonly #settings: Settings;
  #client: RedisClient;
  #closed = false;
  readonly #stats = { operations: 0, failures: 0, timeouts: 0, offline: 0, reconnects: 0 };
  #lastError: unknown;
  /** Commands sent and not yet settled, and since when none has been answered (for stall detection). */
  #pending = 0;
  #silentSince = 0;
  readonly #readyWaiters = new Set<() => void>();
  readonly #onError = (err: unknown) => (this.#lastError = err);
  readonly #onReconnecting = () => this.#stats.reconnects++;
  readonly #onReady = () => {
    for (const wake of this.#readyWaiters) wake();
    this.#readyWaiters.clear();
  };

  constructor(options: RedisStoreOptions) {
    this.#settings = settings(options);
    this.#client = options.client ?? this.#open();
    this.#listen(this.#client);
  }

  /** Resolves once connected; rejects with `StoreUnavailableError` if not within `connectTimeoutMs`. */
  ready(): Promise<void> {
    if (this.#client.isReady) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#readyWaiters.delete(wake);
        const ms = this.#settings.connectTimeoutMs;
        reject(new StoreUnavailableError('offline', `kv: Redis not reachable within ${ms} ms${this.#why()}`, { cause: this.#lastError }));
      }, this.#settings.connectTimeoutMs);
      this.#readyWaiters.add(wake);
    });
  }

  stats(): KvStoreStats {
    return { connected: this.#client.isReady, ...this.#stats };
  }

  /** Close the connection this store opened (a client given in the options stays open). Pending operations reject. */
  async close(): Promise<void> {
    this.#closed = true;
    const client = this.#client;
    client.off('reconnecting', this.#onReconnecting);
    client.off('ready', this.#onReady);
    if (!this.#settings.open) return void client.off('error', this.#onError);
    if (client.isReady) {
      // A graceful close waits for pending replies, so it is bounded like any operation.
      const closed = client.close().catch(() => {});
      await Promise.race([closed, new Promise((r) => setTimeout(r, this.#settings.timeoutMs).unref())]);
    }
    if (client.isOpen) client.destroy();
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const value = await this.#run<Buffer | null>(['GET', this.#key(key)]);
    return value ?? undefined;
  }

  async set(key: string, value: Uint8Array, ttlMs: number): Promise<void> {
    this.#checkSize(value);
    const ttl = px(ttlMs);
    await this.#run(ttl === '0' ? ['SET', this.#key(key), bytes(value)] : ['SET', this.#key(key), bytes(value), 'PX', ttl]);
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
    await this.#run(['DEL', this.#key(key)]);
  }

  #key(key: string): string {
    return this.#settings.keyPrefix + key;
  }

  #checkSize(value: Uint8Array): void {
    const limit = this.#settings.maxValueBytes;
    if (value.byteLength > limit) throw new StoreValueTooLargeError(value.byteLength, limit);
  }

  /** Run a script by its SHA; on NOSCRIPT (a restarted or flushed server) by its source, which caches it again. */
  #eval<T>(s: Script, key: string, argv: RedisArgument[]): Promise<T> {
    const k = this.#key(key);
    return this.#run<T>(['EVALSHA', s.sha, '1', k, ...argv], ['EVAL', s.source, '1', k, ...argv]);
  }

  /**
   * Send a command (and its fallback on NOSCRIPT) under one deadline. When the deadline
   * passes, the abort signal drops a command still queued in the client; one already
   * written is answered later and its answer ignored (Redis offers no way to take it back).
   */
  async #run<T>(command: RedisArgument[], fallback?: RedisArgument[]): Promise<T> {
    this.#stats.operations++;
    if (!this.#client.isReady) throw this.#fail(new StoreUnavailableError('offline', `kv: Redis is not connected${this.#why()}`, { cause: this.#lastError }));
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(new StoreUnavailableError('timeout', `kv: Redis did not answer within ${this.#settings.timeoutMs} ms`));
      }, this.#settings.timeoutMs);
    });
    const send = async (): Promise<T> => {
      try {
        return await this.#send<T>(command, abort.signal);
      } catch (err) {
        if (fallback && err instanceof ErrorReply && err.message.startsWith('NOSCRIPT')) return await this.#send<T>(fallback, abort.signal);
        throw err;
      }
    };
    try {
      return await Promise.race([send(), deadline]);
    } catch (err) {
      this.#checkStall(); // on any failure: a full queue of unanswered commands times nothing out
      throw this.#fail(err);
    } finally {
      clearTimeout(timer);
    }
  }

  /** One command on the current connection, counted as pending until it settles. */
  #send<T>(args: RedisArgument[], signal: AbortSignal): Promise<T> {
    const client = this.#client;
    if (this.#pending++ === 0) this.#silentSince = performance.now();
    // Only a reply from Redis (a value or an error reply) shows the connection alive; a
    // command refused by the client (queue full, aborted) says nothing about it.
    const settled = (answered: boolean) => {
      if (client !== this.#client) return; // a dropped connection's: no longer counted
      this.#pending--;
      if (answered) this.#silentSince = performance.now();
    };
    const sent = client.sendCommand<T>(args, { typeMapping: AS_BYTES, abortSignal: signal });
    sent.then(
      () => settled(true),
      (err) => settled(err instanceof ErrorReply),
    );
    return sent;
  }

  /**
   * After a failure: if the connection has had commands outstanding and no answer for
   * `stallMs`, it is dead in all but name (a vanished host, a partition): drop it and open
   * another. Its pending commands reject; their operations have deadlines of their own.
   */
  #checkStall(): void {
    const open = this.#settings.open;
    if (!open || this.#closed || this.#pending === 0 || performance.now() - this.#silentSince < this.#settings.stallMs) return;
    const stalled = this.#client;
    stalled.off('reconnecting', this.#onReconnecting);
    stalled.off('ready', this.#onReady);
    this.#lastError = new Error(`no answer from Redis for ${this.#settings.stallMs} ms: reconnecting`);
    this.#stats.reconnects++;
    this.#client = this.#open();
    this.#listen(this.#client);
    this.#pending = 0;
    stalled.destroy();
  }

  #open(): RedisClient {
    const client = this.#settings.open!();
    // connect() settles once connected (retrying meanwhile) or when the client is destroyed; failures reach #onError.
    client.connect().catch(this.#onError);
    return client;
  }

  #listen(client: RedisClient): void {
    // Without an 'error' listener, node-redis's EventEmitter would throw on every failed attempt.
    client.on('error', this.#onError);
    client.on('reconnecting', this.#onReconnecting);
    client.on('ready', this.#onReady);
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
