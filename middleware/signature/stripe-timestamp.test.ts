// Stripe style: `t=<unix>,v1=<hex>` over `<t>.<body>`, with the timestamp checked
// against the pipeline's clock (injected here) so an old delivery cannot be replayed.
import { describe, expect, it } from 'vitest';
import { bytes, mac, reason, stripeSignature, withSignature } from './support.js';

const SECRET = 'whsec_test_secret';
const NOW = 1_700_000_000; // unix seconds
const clock = { ms: NOW * 1000 };

describe('signature (stripe): timestamped signatures', () => {
  const p = withSignature({ secret: SECRET, style: 'stripe', toleranceSec: 300 }, { clock: () => clock.ms });
  const send = (body: Uint8Array | string, header: string) => p.inject({ method: 'POST', body, headers: { 'stripe-signature': header } });

  it('accepts a fresh signature over `<t>.<body>`, for bodies across block boundaries', async () => {
    for (const n of [0, 1, 54, 55, 56, 64, 100_000]) {
      const body = bytes(n, 7);
      const res = await send(body, stripeSignature(SECRET, body, NOW - 10));
      expect(res.status).toBe(200);
    }
  });

  it('accepts |now - t| up to the tolerance on either side, and refuses past it', async () => {
    const body = '{"id":"evt_1"}';
    expect((await send(body, stripeSignature(SECRET, body, NOW - 300))).status).toBe(200);
    expect((await send(body, stripeSignature(SECRET, body, NOW + 300))).status).toBe(200);
    const old = await send(body, stripeSignature(SECRET, body, NOW - 301));
    expect(old.status).toBe(401);
    expect(reason(old)).toBe('timestamp outside tolerance');
    expect(reason(await send(body, stripeSignature(SECRET, body, NOW + 301)))).toBe('timestamp outside tolerance');
  });

  it('a replay goes stale as the clock moves on', async () => {
    const body = '{"id":"evt_2"}';
    const header = stripeSignature(SECRET, body, NOW);
    expect((await send(body, header)).status).toBe(200);
    clock.ms += 301_000;
    try {
      expect(reason(await send(body, header))).toBe('timestamp outside tolerance');
    } finally {
      clock.ms = NOW * 1000;
    }
  });

  it('signs the timestamp: moving `t` breaks the signature', async () => {
    const body = 'payload';
    const sig = mac(SECRET, `${NOW}.`, body).toString('hex');
    expect(reason(await send(body, `t=${NOW - 1},v1=${sig}`))).toBe('bad signature');
  });

  it('accepts any of several v1 signatures, ignores other schemes, and tolerates spaces', async () => {
    const body = 'rotating';
    const good = mac(SECRET, `${NOW}.`, body).toString('hex');
    const wrong = mac('old-secret', `${NOW}.`, body).toString('hex');
    expect((await send(body, `t=${NOW},v1=${wrong},v1=${good}`)).status).toBe(200);
    expect((await send(body, `t=${NOW}, v0=${wrong}, v1=${good}`)).status).toBe(200);
    expect((await send(body, `v1=${good},t=${NOW}`)).status).toBe(200);
    expect(reason(await send(body, `t=${NOW},v0=${good}`))).toBe('bad signature');
  });

  it.each([
    ['no timestamp', `v1=${'ab'.repeat(32)}`],
    ['two timestamps', `t=${NOW},t=${NOW},v1=${'ab'.repeat(32)}`],
    ['a timestamp that is not a number', `t=12ab,v1=${'ab'.repeat(32)}`],
    ['an element without =', `t=${NOW},v1`],
    ['a v1 that is not hex', `t=${NOW},v1=zz`],
    ['a trailing comma', `t=${NOW},v1=${'ab'.repeat(32)},`],
  ])('refuses %s as malformed', async (_, header) => {
    const res = await send('x', header);
    expect(res.status).toBe(401);
    expect(reason(res)).toBe('malformed signature');
  });
});
