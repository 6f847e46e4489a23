// GitHub style against node:crypto over bodies whose sizes straddle SHA-256's 64-byte
// blocks and its 55/56-byte padding boundary, up to ~1 MB: the guest's HMAC must agree
// with the reference on every one, and any change to body or signature must fail.
import { describe, expect, it } from 'vitest';
import { bytes, githubSignature, mac, reason, withSignature } from './support.js';

const SECRET = "It's a Secret to Everybody";
const SIZES = [0, 1, 31, 32, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4095, 4096, 65_537, 262_144, 1_000_000];

describe('signature (github): agrees with node:crypto', () => {
  const p = withSignature({ secret: SECRET });

  it("accepts GitHub's documented example", async () => {
    // From GitHub's "Validating webhook deliveries" guide.
    const res = await p.inject({
      method: 'POST',
      body: 'Hello, World!',
      headers: { 'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' },
    });
    expect(res.status).toBe(200);
    expect(res.text()).toBe('Hello, World!');
  });

  it.each(SIZES)('a %i-byte body: the right signature passes, unchanged', async (n) => {
    const body = bytes(n, n + 1);
    const res = await p.inject({ method: 'POST', body, headers: { 'x-hub-signature-256': githubSignature(SECRET, body) } });
    expect(res.status).toBe(200);
    expect(res.headers['x-handled']).toBe('yes');
    expect(Buffer.compare(res.body, Buffer.from(body))).toBe(0);
  });

  it.each(SIZES.filter((n) => n > 0))('a %i-byte body: one flipped bit fails', async (n) => {
    const body = bytes(n, n + 1);
    const header = githubSignature(SECRET, body);
    const tampered = body.slice();
    tampered[n >> 1] ^= 0x01;
    const res = await p.inject({ method: 'POST', body: tampered, headers: { 'x-hub-signature-256': header } });
    expect(res.status).toBe(401);
    expect(res.json()).toEqual({ error: 'invalid_signature', error_description: 'bad signature' });
  });

  it('rejects a signature made with another secret, and any single changed signature byte', async () => {
    const body = bytes(5000);
    const other = await p.inject({ method: 'POST', body, headers: { 'x-hub-signature-256': githubSignature('other', body) } });
    expect(reason(other)).toBe('bad signature');
    const good = mac(SECRET, body);
    for (const at of [0, 15, 31]) {
      const sig = Buffer.from(good);
      sig[at] ^= 0x80;
      const res = await p.inject({ method: 'POST', body, headers: { 'x-hub-signature-256': `sha256=${sig.toString('hex')}` } });
      expect(res.status).toBe(401);
    }
  });

  it('accepts upper-case hex, and a request without a body as an empty body', async () => {
    const body = bytes(300);
    const upper = `sha256=${mac(SECRET, body).toString('hex').toUpperCase()}`;
    expect((await p.inject({ method: 'POST', body, headers: { 'x-hub-signature-256': upper } })).status).toBe(200);
    expect((await p.inject({ headers: { 'x-hub-signature-256': githubSignature(SECRET, '') } })).status).toBe(200);
  });
});
