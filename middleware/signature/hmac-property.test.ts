// The guest's SHA-256/HMAC against node:crypto as a property: seeded random bodies of
// 0..2000 bytes (half of them within a few bytes of a 64-byte block boundary), under
// keys shorter than, equal to and longer than the block (a longer key is SHA-256'd
// first, so plain SHA-256 is checked too). The stripe style hashes `<t>.` and then the
// body, so a message is also split across a partly filled block. The right MAC must
// pass and the same MAC with one bit flipped must fail.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytes, mac, withSignature } from './support.js';

const NOW = 1_700_000_000; // unix seconds
const KEY_LENGTHS = [1, 32, 63, 64, 65, 100, 200];
const keys = KEY_LENGTHS.map((n) => bytes(n, 1000 + n));
const github = keys.map((secret) => withSignature({ secret }));
const stripe = keys.map((secret) => withSignature({ secret, style: 'stripe' }, { clock: () => NOW * 1000 }));

const length = fc.oneof(
  fc.integer({ min: 0, max: 2000 }),
  fc.tuple(fc.integer({ min: 0, max: 31 }), fc.integer({ min: -9, max: 9 })).map(([k, d]) => Math.max(0, k * 64 + d)),
);
const sample = fc.record({ key: fc.nat({ max: keys.length - 1 }), n: length, seed: fc.nat(), flip: fc.nat({ max: 255 }) });

describe('signature: HMAC-SHA256 agrees with node:crypto', () => {
  it('github style: any body, any key length', async () => {
    await fc.assert(
      fc.asyncProperty(sample, async ({ key, n, seed, flip }) => {
        const body = bytes(n, seed + 1);
        const good = mac(keys[key], body);
        const send = (sig: Buffer) => github[key].inject({ method: 'POST', body, headers: { 'x-hub-signature-256': `sha256=${sig.toString('hex')}` } });
        expect((await send(good)).status).toBe(200);
        const bad = Buffer.from(good);
        bad[flip >> 3] ^= 1 << (flip & 7);
        expect((await send(bad)).status).toBe(401);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('stripe style: `<t>.` then the body, split across a partial block', async () => {
    await fc.assert(
      fc.asyncProperty(sample, fc.integer({ min: 0, max: 200 }), async ({ key, n, seed, flip }, skew) => {
        const body = bytes(n, seed + 1);
        const t = NOW - skew;
        const good = mac(keys[key], `${t}.`, body);
        const send = (sig: Buffer) => stripe[key].inject({ method: 'POST', body, headers: { 'stripe-signature': `t=${t},v1=${sig.toString('hex')}` } });
        expect((await send(good)).status).toBe(200);
        const bad = Buffer.from(good);
        bad[flip >> 3] ^= 1 << (flip & 7);
        expect((await send(bad)).status).toBe(401);
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});
