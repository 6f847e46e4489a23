import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { HostServices } from '../host/imports.js';
import type { KvStore } from '../host/kv.js';
import type { AsyncKvStore } from '../host/async-kv.js';
import type { LogLevel, Logger } from '../host/log.js';
import { rebuildError, serializeError, WitlineError, type SerializedError } from '../core/errors.js';

/**
 * Host capabilities for guests running on worker threads, with the same meaning as on
 * the main thread. The `kv` store (and an injected clock) live on the main thread, so a
 * worker reaches them by a synchronous proxy: it posts the operation on its host port and
 * blocks in `Atomics.wait` on a shared flag until the main thread, which runs every
 * operation on its own store (atomically: nothing else runs there meanwhile), posts the
 * result and `Atomics.notify`s. The worker then reads the result with
 * `receiveMessageOnPort`. The main thread never waits on a worker, so this cannot
 * deadlock. Logs are posted without waiting.
 */

/** A kv operation from a worker, naming the stage that made it (store failures are counted per stage). */
type KvCall = { stage: string } & (
  | { op: 'get'; key: string }
  | { op: 'set'; key: string; value: Uint8Array; ttl: number }
  | { op: 'incr'; key: string; delta: bigint; ttl: number }
  | { op: 'cas'; key: string; expected: Uint8Array | undefined; value: Uint8Array; ttl: number }
  | { op: 'delete'; key: string }
);

/** A host call from a worker. Every `op` but `log` is answered. */
export type HostCall = { op: 'log'; level: LogLevel; message: string; fields?: Record<string, unknown> } | { op: 'clock' } | KvCall;

// A witline error (a store failure) crosses as data and is thrown in the worker as its class.
type Answer = { ok: true; value: unknown } | { ok: false; error: string; witline?: SerializedError };

// A worker blocked longer than this gives up (the call traps); normally its stage's
// timeout terminates it long before.
const WAIT_MS = 60_000;

/**
 * Run one answered call against the main thread's services. With an asynchronous store
 * (issue 13) a kv call returns its promise: the worker stays blocked until it settles,
 * which the store bounds by its own deadline.
 */
/**
 * Bytes about to be posted: structured cloning copies a view's whole ArrayBuffer, and
 * lifted bytes and kv results may be views of Node's 8 KiB pool slabs.
 */
function compact<T>(v: T): T {
  return v instanceof Uint8Array && v.byteLength !== v.buffer.byteLength ? (Uint8Array.prototype.slice.call(v) as T) : v;
}

function execute(call: HostCall, host: HostServices): unknown {
  if (call.op === 'clock') return host.clock();
  // The same operations on either store: a synchronous one answers, an asynchronous one promises.
  const kv: KvStore | AsyncKvStore = host.asyncKv ?? host.kv;
  switch (call.op) {
    case 'get':
      return kv.get(call.key);
    case 'set':
      return kv.set(call.key, call.value, call.ttl);
    case 'incr':
      return kv.incr(call.key, call.delta, call.ttl);
    case 'cas':
      return kv.compareAndSwap(call.key, call.expected, call.value, call.ttl);
    case 'delete':
      return kv.delete(call.key);
    default:
      throw new Error(`unknown host call ${(call as { op: string }).op}`);
  }
}

function failure(err: unknown, call: HostCall, host: HostServices): Answer {
  if ('stage' in call) host.storeFailures?.count(call.stage, err);
  const error = (err as Error)?.message ?? String(err);
  return err instanceof WitlineError ? { ok: false, error, witline: serializeError(err) } : { ok: false, error };
}

/** Main thread: serve one worker's host port. `flag` is the worker's shared wake-up word. */
export function serveHost(port: MessagePort, flag: Int32Array, host: HostServices): void {
  const answer = (a: Answer) => {
    port.postMessage(a);
    // The answer is queued on the worker's side of the port before the flag flips.
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  };
  port.on('message', (call: HostCall) => {
    if (call.op === 'log') return host.logger[call.level]?.(call.message, call.fields);
    let value: unknown;
    try {
      value = execute(call, host);
    } catch (err) {
      return answer(failure(err, call, host));
    }
    if (host.asyncKv && value instanceof Promise) {
      value.then(
        (v) => answer({ ok: true, value: compact(v) }),
        (err) => answer(failure(err, call, host)),
      );
    } else answer({ ok: true, value: compact(value) });
  });
  // Serving a worker must not keep the process alive on its own.
  port.unref();
}

/** Worker: the client side of the host port. */
export class HostClient {
  readonly #port: MessagePort;
  readonly #flag: Int32Array;

  constructor(port: MessagePort, flag: Int32Array) {
    this.#port = port;
    this.#flag = flag;
  }

  /** Post a call that needs no answer. */
  post(call: HostCall): void {
    this.#port.postMessage(call);
  }

  /** Make a call and block this thread until the main thread answers. */
  call(call: HostCall): unknown {
    Atomics.store(this.#flag, 0, 0);
    this.#port.postMessage(call);
    if (Atomics.wait(this.#flag, 0, 0, WAIT_MS) === 'timed-out') throw new Error(`host call '${call.op}' got no answer in ${WAIT_MS} ms`);
    const got = receiveMessageOnPort(this.#port);
    if (!got) throw new Error(`host call '${call.op}': the answer is missing`);
    const answer = got.message as Answer;
    if (!answer.ok) throw answer.witline ? rebuildError(answer.witline) : new Error(answer.error);
    return answer.value;
  }
}

/** Worker: the main thread's kv store, operation by operation, for the guest of `stage`. */
export function proxyKv(client: HostClient, stage: string): KvStore {
  return {
    get: (key) => client.call({ op: 'get', key, stage }) as Uint8Array | undefined,
    set: (key, value, ttl) => void client.call({ op: 'set', key, value: compact(value), ttl, stage }),
    incr: (key, delta, ttl) => client.call({ op: 'incr', key, delta, ttl, stage }) as bigint,
    compareAndSwap: (key, expected, value, ttl) => client.call({ op: 'cas', key, expected: compact(expected), value: compact(value), ttl, stage }) as boolean,
    delete: (key) => void client.call({ op: 'delete', key, stage }),
  };
}

/** Worker: the main thread's clock (only when the pipeline was given one; otherwise `Date.now` is the same clock). */
export function proxyClock(client: HostClient): () => number {
  return () => client.call({ op: 'clock' }) as number;
}

/** Worker: the pipeline's logger, by message. */
export function proxyLogger(client: HostClient): Logger {
  const at = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => client.post({ op: 'log', level, message, fields });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
