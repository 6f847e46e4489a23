// Host capabilities. Each import is bound to the witline WIT interface it belongs
// to; a component only imports the interfaces whose functions it actually calls, so
// a middleware that never touches `kv` is not granted it.

// @ts-ignore: decorator
@external("witline:middleware/log@0.1.0", "log")
declare function _log(level: i32, ptr: usize, len: usize): void;
// @ts-ignore: decorator
@external("witline:middleware/clock@0.1.0", "now-ms")
declare function _nowMs(): u64;
// @ts-ignore: decorator
@external("witline:middleware/kv@0.1.0", "get")
declare function _kvGet(kp: usize, kl: usize, ret: usize): void;
// @ts-ignore: decorator
@external("witline:middleware/kv@0.1.0", "set")
declare function _kvSet(kp: usize, kl: usize, vp: usize, vl: usize, ttl: u64): void;
// @ts-ignore: decorator
@external("witline:middleware/kv@0.1.0", "incr")
declare function _kvIncr(kp: usize, kl: usize, delta: i64, ttl: u64): i64;
// @ts-ignore: decorator
@external("witline:middleware/kv@0.1.0", "compare-and-swap")
declare function _kvCas(kp: usize, kl: usize, ed: i32, ep: usize, el: usize, vp: usize, vl: usize, ttl: u64): i32;
// @ts-ignore: decorator
@external("witline:middleware/kv@0.1.0", "delete")
declare function _kvDelete(kp: usize, kl: usize): void;
// @ts-ignore: decorator
@external("witline:middleware/context@0.1.0", "remote-address")
declare function _remoteAddress(ret: usize): void;

export enum Level { Debug = 0, Info = 1, Warn = 2, Error = 3 }

export function log(level: Level, message: string): void {
  const buf = String.UTF8.encode(message);
  _log(<i32>level, changetype<usize>(buf), <usize>buf.byteLength);
}
export function logDebug(message: string): void { log(Level.Debug, message); }
export function logInfo(message: string): void { log(Level.Info, message); }
export function logWarn(message: string): void { log(Level.Warn, message); }
export function logError(message: string): void { log(Level.Error, message); }

/** Milliseconds since the Unix epoch, from the host clock (which tests may inject). */
export function nowMs(): u64 {
  return _nowMs();
}

function bytesOf(buf: Uint8Array | null): usize {
  return buf === null ? 0 : buf.dataStart;
}

/** The shared host key-value store. */
export namespace kv {
  export function get(key: string): Uint8Array | null {
    const k = String.UTF8.encode(key);
    return getKey(Uint8Array.wrap(k));
  }
  /**
   * `get` with the key as UTF-8 bytes: a stage that builds its key once per call (from a
   * header's bytes, say) and uses it for several calls encodes nothing.
   */
  export function getKey(key: Uint8Array): Uint8Array | null {
    const ret = __alloc(12);
    _kvGet(key.dataStart, <usize>key.length, ret);
    if (load<u8>(ret) == 0) return null;
    const ptr = load<u32>(ret, 4);
    const len = load<u32>(ret, 8);
    const out = new Uint8Array(<i32>len);
    memory.copy(out.dataStart, ptr, len);
    return out;
  }
  export function set(key: string, value: Uint8Array, ttlMs: u64 = 0): void {
    const k = String.UTF8.encode(key);
    _kvSet(changetype<usize>(k), <usize>k.byteLength, value.dataStart, <usize>value.length, ttlMs);
  }
  export function incr(key: string, delta: i64, ttlMs: u64 = 0): i64 {
    const k = String.UTF8.encode(key);
    return _kvIncr(changetype<usize>(k), <usize>k.byteLength, delta, ttlMs);
  }
  /** Replace the value if it still equals `expected` (null: absent); true if replaced. */
  export function compareAndSwap(key: string, expected: Uint8Array | null, value: Uint8Array, ttlMs: u64 = 0): bool {
    return compareAndSwapKey(Uint8Array.wrap(String.UTF8.encode(key)), expected, value, ttlMs);
  }
  /** `compareAndSwap` with the key as UTF-8 bytes (see `getKey`). */
  export function compareAndSwapKey(key: Uint8Array, expected: Uint8Array | null, value: Uint8Array, ttlMs: u64 = 0): bool {
    const ed = expected === null ? 0 : 1;
    const el: usize = expected === null ? 0 : <usize>expected.length;
    return _kvCas(key.dataStart, <usize>key.length, ed, bytesOf(expected), el, value.dataStart, <usize>value.length, ttlMs) != 0;
  }
  export function remove(key: string): void {
    const k = String.UTF8.encode(key);
    _kvDelete(changetype<usize>(k), <usize>k.byteLength);
  }
}

/** The client's address as the host's socket sees it. */
export function remoteAddress(): string {
  const ret = __alloc(8);
  _remoteAddress(ret);
  return String.UTF8.decodeUnsafe(load<u32>(ret), load<u32>(ret, 4));
}
