// RedisStore answers as MemoryStore does: the same random sequences of operations (s64
// counters near the wrap, 8-byte values read as counters, "does not hold a counter",
// compare-and-swap on absent, equal and other values, deletes) give the same results
// from both stores, values byte for byte.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MemoryStore } from '../../src/host/kv.js';
import { RedisStore } from '../../src/redis/index.js';
import { testRedis, uniquePrefix } from '../support/redis.js';

let redis: Awaited<ReturnType<typeof testRedis>>;
beforeAll(async () => void (redis = await testRedis()));
afterAll(() => redis?.close());

const I64_MAX = (1n << 63n) - 1n;
const key = fc.constantFrom('a', 'b', 'c');
const value = fc.oneof(fc.uint8Array({ maxLength: 12 }), fc.uint8Array({ minLength: 8, maxLength: 8 }));
const delta = fc.oneof(
  fc.bigInt({ min: -5n, max: 5n }),
  fc.constantFrom(I64_MAX, -I64_MAX - 1n, 1n << 32n, (1n << 32n) - 1n),
  fc.bigInt({ min: -I64_MAX - 1n, max: I64_MAX }),
);
// Long TTLs only: expiry itself is ttl.test.ts's; here it must not differ mid-sequence.
const ttl = fc.constantFrom(0, 3_600_000);
type Op =
  | { op: 'get'; key: string }
  | { op: 'set'; key: string; value: Uint8Array; ttl: number }
  | { op: 'incr'; key: string; delta: bigint; ttl: number }
  | { op: 'cas'; key: string; expected: Uint8Array | undefined | 'current'; value: Uint8Array; ttl: number }
  | { op: 'delete'; key: string };
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('get' as const), key }),
  fc.record({ op: fc.constant('set' as const), key, value, ttl }),
  fc.record({ op: fc.constant('incr' as const), key, delta, ttl }),
  fc.record({ op: fc.constant('cas' as const), key, expected: fc.oneof(fc.constant(undefined), fc.constant('current' as const), value), value, ttl }),
  fc.record({ op: fc.constant('delete' as const), key }),
);

/** A result as comparable data: values as byte arrays, failures by message. */
async function outcome(run: () => unknown): Promise<unknown> {
  try {
    const v = await run();
    return v instanceof Uint8Array ? { bytes: [...v] } : { value: v };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

it('gives the same answers as MemoryStore to the same operations', async () => {
  const store = new RedisStore({ url: redis.url, keyPrefix: uniquePrefix('parity'), timeoutMs: 5_000 });
  await store.ready();
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), async (ops) => {
      const memory = new MemoryStore();
      for (const k of ['a', 'b', 'c']) await store.delete(k);
      for (const o of ops) {
        // 'current': expect what the key holds now (a swap that succeeds), read from MemoryStore.
        const expected = o.op !== 'cas' ? undefined : o.expected === 'current' ? memory.get(o.key) : o.expected;
        const [m, r] = await Promise.all([outcome(() => apply(memory, o, expected)), outcome(() => apply(store, o, expected))]);
        expect(
          r,
          JSON.stringify(o, (_, v) => (typeof v === 'bigint' ? String(v) : v)),
        ).toEqual(m);
      }
    }),
    { seed: 42, numRuns: 60 },
  );
  await store.close();
}, 60_000);

function apply(s: MemoryStore | RedisStore, o: Op, expected: Uint8Array | undefined): unknown {
  switch (o.op) {
    case 'get':
      return s.get(o.key);
    case 'set':
      return s.set(o.key, o.value, o.ttl);
    case 'incr':
      return s.incr(o.key, o.delta, o.ttl);
    case 'cas':
      return s.compareAndSwap(o.key, expected, o.value, o.ttl);
    case 'delete':
      return s.delete(o.key);
  }
}
