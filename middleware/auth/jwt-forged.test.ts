// Tokens that are well-formed but not signed by us, or not HS256, are refused.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HS256, NOW_SEC, b64url, expectAdmitted, expectDenied, harness, sign } from './jwt.fixture.js';

const secret = 's3cret';
const claims = { sub: 'admin', exp: NOW_SEC + 3600 };

describe('auth: forged JWT', () => {
  it('refuses a token signed with another secret', async () => {
    const h = harness({ secret });
    for (const other of ['s3cret ', 'S3cret', 's3cre', '', 'x'.repeat(100)]) {
      expectDenied(await h.bearer(sign(claims, other)), 'bad signature');
    }
    expect(h.seen).toHaveLength(0);
  });

  it('refuses a payload swapped under a valid signature', async () => {
    const h = harness({ secret });
    const [head, , sig] = sign({ sub: 'guest', exp: NOW_SEC + 3600 }, secret).split('.');
    expectDenied(await h.bearer(`${head}.${b64url(JSON.stringify(claims))}.${sig}`), 'bad signature');
  });

  it('refuses a header altered under a valid signature', async () => {
    const h = harness({ secret });
    const [, payload, sig] = sign(claims, secret).split('.');
    expectDenied(await h.bearer(`${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: 'x' }))}.${payload}.${sig}`), 'bad signature');
  });

  it('refuses alg "none", with or without a signature', async () => {
    const h = harness({ secret });
    const none = `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
    expectDenied(await h.bearer(`${none}.`), 'unsupported alg');
    expectDenied(await h.bearer(`${none}.${createHmac('sha256', secret).update(none).digest('base64url')}`), 'unsupported alg');
  });

  it('refuses every alg but HS256, even when the MAC would verify (no alg confusion)', async () => {
    const h = harness({ secret });
    for (const alg of ['HS384', 'HS512', 'RS256', 'ES256', 'PS256', 'EdDSA', 'hs256', 'HS256 ', 'None', 'NONE', '']) {
      expectDenied(await h.bearer(sign(claims, secret, { alg, typ: 'JWT' })), 'unsupported alg');
    }
  });

  it('refuses truncated, extended and empty signatures', async () => {
    const h = harness({ secret });
    const token = sign(claims, secret);
    const [head, payload, sig] = token.split('.');
    const mac = Buffer.from(sig, 'base64url');
    for (const bad of [mac.subarray(0, 31), mac.subarray(0, 16), Buffer.concat([mac, Buffer.from([0])]), Buffer.alloc(0)]) {
      expectDenied(await h.bearer(`${head}.${payload}.${b64url(bad)}`), 'bad signature');
    }
    expectDenied(await h.bearer(`${head}.${payload}.${b64url(Buffer.concat([mac, mac]))}`), 'bad signature');
  });

  it('refuses each single flipped bit of the signature', async () => {
    const h = harness({ secret });
    const token = sign(claims, secret);
    expectAdmitted(await h.bearer(token));
    const [head, payload, sig] = token.split('.');
    const mac = Buffer.from(sig, 'base64url');
    for (let bit = 0; bit < 256; bit++) {
      const forged = Buffer.from(mac);
      forged[bit >> 3] ^= 1 << (bit & 7);
      expectDenied(await h.bearer(`${head}.${payload}.${b64url(forged)}`), 'bad signature');
    }
  });

  it('refuses a non-canonical signature encoding (unused bits set) rather than accepting a second spelling', async () => {
    const h = harness({ secret });
    const token = sign(claims, secret);
    // 32 bytes encode to 43 characters; the last one carries 2 unused bits.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(token.at(-1)!);
    const twin = token.slice(0, -1) + alphabet[last | 1];
    expect(Buffer.from(twin.split('.')[2], 'base64url')).toEqual(Buffer.from(token.split('.')[2], 'base64url'));
    expectDenied(await h.bearer(twin), 'malformed token');
  });

  it('checks alg before anything else: an unsigned RS256 token is an unsupported alg', async () => {
    const h = harness({ secret });
    expectDenied(await h.bearer(`${b64url(JSON.stringify({ alg: 'RS256' }))}.${b64url('{}')}.${b64url('sig')}`), 'unsupported alg');
    expect(h.replaced()).toBe(0);
  });

  it('a secret only counts for JWTs: with API keys alone, a signed bearer token is no credential', async () => {
    const h = harness({ apiKeys: ['k-1'] });
    expectDenied(await h.bearer(sign(claims, secret, HS256)), 'missing credentials');
  });
});
