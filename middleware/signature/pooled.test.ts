// The signature stage on a worker pool (what it is for: hashing large bodies off the
// event loop) answers exactly as in-thread, bodies up to ~1 MB, and with the injected clock.
import { describe, expect, it } from 'vitest';
import { bytes, githubSignature, reason, stripeSignature, withSignature } from './support.js';

describe('signature: pooled', () => {
  const pool = { minThreads: 1, maxThreads: 2 };

  it('verifies large bodies on a worker and passes them on intact', async () => {
    const p = withSignature({ secret: 's3cret', pool });
    await p.ready();
    expect(p.describe().stages[0]).toMatchObject({ name: 'signature', placement: 'pool' });
    const bodies = [0, 64, 262_144, 1_000_000].map((n) => bytes(n, n));
    const answers = await Promise.all(
      bodies.map((body) => p.inject({ method: 'POST', body, headers: { 'x-hub-signature-256': githubSignature('s3cret', body) } })),
    );
    answers.forEach((res, i) => {
      expect(res.status).toBe(200);
      expect(Buffer.compare(res.body, Buffer.from(bodies[i]))).toBe(0);
    });
    const tampered = bodies[2].slice();
    tampered[100_000] ^= 4;
    const bad = await p.inject({ method: 'POST', body: tampered, headers: { 'x-hub-signature-256': githubSignature('s3cret', bodies[2]) } });
    expect(bad.status).toBe(401);
    expect(reason(bad)).toBe('bad signature');
  });

  it('checks the Stripe timestamp against the pipeline clock from the worker', async () => {
    const now = 1_600_000_000;
    const p = withSignature({ secret: 'whsec', style: 'stripe', toleranceSec: 60, pool }, { clock: () => now * 1000 });
    const body = bytes(100_000);
    expect((await p.inject({ method: 'POST', body, headers: { 'stripe-signature': stripeSignature('whsec', body, now - 60) } })).status).toBe(200);
    expect(reason(await p.inject({ method: 'POST', body, headers: { 'stripe-signature': stripeSignature('whsec', body, now - 61) } }))).toBe(
      'timestamp outside tolerance',
    );
  });
});
