// Buckets live in the pipeline's kv store: 16 bytes under `prefix + a:<address>` (or
// `h:<header value>`), tokens as micro-tokens then the refill time in ms, both
// little-endian. Only allowed requests write; entries expire once full again; bytes
// the guest did not write read as a full bucket; a store that keeps losing
// compare-and-swap gets the request denied.
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryStore, pipeline, type KvStore, type Pipeline } from '../../src/index.js';
import { rateLimit, type RateLimitOptions } from '../../src/middleware/index.js';

const T0 = 1_700_000_000_000;
const open: Pipeline[] = [];
afterAll(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

function bucket(tokens: number, last: number): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setBigInt64(0, BigInt(Math.round(tokens * 1e6)), true);
  v.setBigUint64(8, BigInt(last), true);
  return b;
}

function setup(options: RateLimitOptions, wrap: (s: MemoryStore) => KvStore = (s) => s) {
  const clock = { now: T0 };
  const store = new MemoryStore({ now: () => clock.now });
  const calls = { handler: 0 };
  const p = pipeline([rateLimit(options)], {
    clock: () => clock.now,
    kv: wrap(store),
    handler: () => {
      calls.handler++;
      return { status: 200, body: 'ok' };
    },
  });
  open.push(p);
  const hit = async (remoteAddress = '10.0.0.1') => (await p.inject({ remoteAddress })).status;
  return { clock, store, calls, hit, p };
}

describe('rateLimit: state in the kv store', () => {
  it('stores micro-tokens and the refill time under the prefixed client key', async () => {
    const { clock, store, p, hit } = setup({ burst: 3, perSecond: 1, prefix: 'api:', key: { header: 'x-api-key' } });
    await hit();
    expect(store.get('api:a:10.0.0.1')).toEqual(bucket(2, T0));
    clock.now += 250;
    await p.inject({ headers: { 'x-api-key': 'k' } });
    expect(store.get('api:h:k')).toEqual(bucket(2, T0 + 250));
    expect(store.size).toBe(2);
  });

  it('writes nothing for a denied request', async () => {
    const { clock, store, hit } = setup({ burst: 1, perSecond: 1 });
    await hit();
    const before = store.get('rl:a:10.0.0.1');
    clock.now += 500;
    expect(await hit()).toBe(429);
    expect(store.get('rl:a:10.0.0.1')).toEqual(before);
  });

  it('lets an idle bucket expire once it would be full again (plus a second)', async () => {
    const { clock, store, hit } = setup({ burst: 3, perSecond: 1 });
    await hit();
    await hit(); // 1 token left: full again after 2 s
    clock.now += 2_999;
    expect(store.get('rl:a:10.0.0.1')).toBeDefined();
    clock.now += 1;
    expect(store.get('rl:a:10.0.0.1')).toBeUndefined();
    expect([await hit(), await hit(), await hit(), await hit()]).toEqual([200, 200, 200, 429]);
  });

  it('reads bytes it did not write as a full bucket and replaces them', async () => {
    const { store, hit } = setup({ burst: 2, perSecond: 1 });
    store.set('rl:a:10.0.0.1', new Uint8Array([1, 2, 3]), 0);
    expect([await hit(), await hit(), await hit()]).toEqual([200, 200, 429]);
    expect(store.get('rl:a:10.0.0.1')).toEqual(bucket(0, T0));
  });

  it('caps a bucket written with a larger burst, and treats negative tokens as none', async () => {
    const { store, hit } = setup({ burst: 2, perSecond: 1 });
    store.set('rl:a:10.0.0.1', bucket(50, T0), 0);
    expect([await hit(), await hit(), await hit()]).toEqual([200, 200, 429]);
    store.set('rl:a:10.0.0.2', bucket(-5, T0), 0);
    expect(await hit('10.0.0.2')).toBe(429);
  });

  it('shares buckets between pipelines given the same store', async () => {
    const { store, clock, hit } = setup({ burst: 3, perSecond: 1 });
    const other = pipeline([rateLimit({ burst: 3, perSecond: 1 })], { clock: () => clock.now, kv: store, handler: () => ({ status: 200 }) });
    open.push(other);
    const otherHit = async () => (await other.inject({ remoteAddress: '10.0.0.1' })).status;
    expect([await hit(), await otherHit(), await hit(), await otherHit()]).toEqual([200, 200, 200, 429]);
  });

  it('denies after 8 lost compare-and-swaps in a row (fail closed)', async () => {
    const tries = { cas: 0 };
    const { calls, p } = setup({ burst: 5, perSecond: 0.1 }, (s) => ({
      get: (k) => s.get(k),
      set: (k, v, t) => s.set(k, v, t),
      incr: (k, d, t) => s.incr(k, d, t),
      delete: (k) => s.delete(k),
      compareAndSwap: () => {
        tries.cas++;
        return false;
      },
    }));
    const res = await p.inject({ remoteAddress: '10.0.0.1' });
    expect(res.status).toBe(429);
    // Told to come back soon, not after a whole token's 10 s: the client did nothing wrong.
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json()).toEqual({ error: 'rate_limited', retry_after: 1 });
    expect(tries.cas).toBe(8);
    expect(calls.handler).toBe(0);
  });

  it('wins compare-and-swap after losing a few times to another writer', async () => {
    let lose = 3;
    const { store, hit } = setup({ burst: 2, perSecond: 1 }, (s) => ({
      get: (k) => s.get(k),
      set: (k, v, t) => s.set(k, v, t),
      incr: (k, d, t) => s.incr(k, d, t),
      delete: (k) => s.delete(k),
      compareAndSwap: (k, e, v, t) => {
        // Another process takes a token each time this one is about to write.
        if (lose-- > 0) {
          const cur = s.get(k);
          const tokens = cur ? Number(new DataView(cur.buffer).getBigInt64(0, true)) / 1e6 : 2;
          s.set(k, bucket(tokens - 0.25, T0), 0);
          return false;
        }
        return s.compareAndSwap(k, e, v, t);
      },
    }));
    expect(await hit()).toBe(200);
    expect(store.get('rl:a:10.0.0.1')).toEqual(bucket(0.25, T0));
    expect(await hit()).toBe(429);
  });
});
