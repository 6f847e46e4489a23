// The host capabilities as componentize-qjs exposes them to a guest: one ES module per
// WIT interface of witline:middleware@0.1.0, its functions camelCased on the default
// export (enums are their case names; u64/s64 are numbers, exact up to 2^53).
// Middleware normally imports the wrappers in ./index.js instead.

declare module 'witline:middleware/log@0.1.0' {
  const log: { log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void };
  export default log;
}

declare module 'witline:middleware/clock@0.1.0' {
  const clock: { nowMs(): number };
  export default clock;
}

declare module 'witline:middleware/kv@0.1.0' {
  const kv: {
    get(key: string): Uint8Array | null;
    set(key: string, value: Uint8Array, ttlMs: number): void;
    incr(key: string, delta: number, ttlMs: number): number;
    compareAndSwap(key: string, expected: Uint8Array | null, value: Uint8Array, ttlMs: number): boolean;
    delete(key: string): void;
  };
  export default kv;
}

declare module 'witline:middleware/context@0.1.0' {
  const context: { remoteAddress(): string };
  export default context;
}
