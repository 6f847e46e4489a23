// Header, prefix, encoding and secret rotation: each option changes what the stage reads.
import { describe, expect, it } from 'vitest';
import { bytes, mac, reason, withSignature } from './support.js';

describe('signature: header, prefix, encoding, several secrets', () => {
  const body = bytes(70_000, 3);

  it('reads base64 signatures under a custom header with no prefix (Shopify style)', async () => {
    const p = withSignature({ secret: 'shpss', header: 'X-Shopify-Hmac-Sha256', prefix: '', encoding: 'base64' });
    const sig = mac('shpss', body).toString('base64');
    expect((await p.inject({ method: 'POST', body, headers: { 'x-shopify-hmac-sha256': sig } })).status).toBe(200);
    // The default header is no longer read; hex text read as base64 is 48 wrong bytes; `-` is not base64.
    expect(reason(await p.inject({ method: 'POST', body, headers: { 'x-hub-signature-256': `sha256=${sig}` } }))).toBe('missing signature');
    expect(reason(await p.inject({ method: 'POST', body, headers: { 'x-shopify-hmac-sha256': mac('shpss', body).toString('hex') } }))).toBe('bad signature');
    expect(reason(await p.inject({ method: 'POST', body, headers: { 'x-shopify-hmac-sha256': mac('shpss', body).toString('base64url') } }))).toBe(
      'malformed signature',
    );
  });

  it('uses a custom prefix, compared exactly', async () => {
    const p = withSignature({ secret: 's', prefix: 'v1=' });
    const hex = mac('s', body).toString('hex');
    expect((await p.inject({ method: 'POST', body, headers: { 'x-hub-signature-256': `v1=${hex}` } })).status).toBe(200);
    expect(reason(await p.inject({ method: 'POST', body, headers: { 'x-hub-signature-256': `sha256=${hex}` } }))).toBe('malformed signature');
  });

  it('accepts a signature by any configured secret (rotation), text or bytes', async () => {
    const raw = Uint8Array.of(0, 1, 2, 250, 251);
    const p = withSignature({ secret: 'new', secrets: ['old', raw] });
    for (const key of ['new', 'old', raw]) {
      const res = await p.inject({ method: 'POST', body, headers: { 'x-hub-signature-256': `sha256=${mac(key, body).toString('hex')}` } });
      expect(res.status).toBe(200);
    }
    expect(reason(await p.inject({ method: 'POST', body, headers: { 'x-hub-signature-256': `sha256=${mac('gone', body).toString('hex')}` } }))).toBe(
      'bad signature',
    );
  });

  it('accepts a secret longer than the SHA-256 block (hashed first, as RFC 2104 says)', async () => {
    const long = 'k'.repeat(200);
    const p = withSignature({ secret: long });
    expect((await p.inject({ method: 'POST', body, headers: { 'x-hub-signature-256': `sha256=${mac(long, body).toString('hex')}` } })).status).toBe(200);
  });
});
