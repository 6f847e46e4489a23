// iss and aud are checked when configured; skew applies to exp and nbf only.
import { describe, expect, it } from 'vitest';
import { NOW_SEC, T0, expectAdmitted, expectDenied, harness, headerOf, sign } from './jwt.fixture.js';

const secret = 's3cret';
const issuer = 'https://id.example.com';
const audience = 'orders-api';

describe('auth: JWT claims', () => {
  it('requires iss to equal the configured issuer exactly', async () => {
    const h = harness({ secret, issuer });
    expectAdmitted(await h.bearer(sign({ iss: issuer }, secret)));
    for (const iss of [`${issuer}/`, 'https://ID.example.com', 'https://id.example.co', '', ` ${issuer}`]) {
      expectDenied(await h.bearer(sign({ iss }, secret)), 'issuer mismatch');
    }
    expectDenied(await h.bearer(sign({ sub: 'a' }, secret)), 'issuer mismatch');
  });

  it('refuses a non-string iss', async () => {
    const h = harness({ secret, issuer });
    for (const iss of [[issuer], 1, null, { iss: issuer }]) {
      const res = await h.bearer(sign({ iss }, secret));
      expect(res.status).toBe(401);
      expect(['issuer mismatch', 'malformed token']).toContain(res.json<{ error_description: string }>().error_description);
    }
  });

  it('ignores iss when no issuer is configured', async () => {
    const h = harness({ secret });
    expectAdmitted(await h.bearer(sign({ iss: 'anyone' }, secret)));
  });

  it('accepts aud as a string or an array containing the audience', async () => {
    const h = harness({ secret, audience });
    for (const aud of [audience, [audience], ['other', audience], [1, null, { a: audience }, audience, 'x'], ['x', ['y'], audience]]) {
      expectAdmitted(await h.bearer(sign({ aud }, secret)));
    }
  });

  it('refuses an aud that does not name the audience, or none', async () => {
    const h = harness({ secret, audience });
    for (const aud of ['orders', 'orders-api ', 'ORDERS-API', [], ['other'], [[audience]], { aud: audience }, 1, null, true]) {
      expectDenied(await h.bearer(sign({ aud }, secret)), 'audience mismatch');
    }
    expectDenied(await h.bearer(sign({ sub: 'a' }, secret)), 'audience mismatch');
  });

  it('ignores aud when no audience is configured', async () => {
    const h = harness({ secret });
    expectAdmitted(await h.bearer(sign({ aud: 'somebody-else' }, secret)));
  });

  it('checks every configured claim together', async () => {
    const h = harness({ secret, issuer, audience, clockSkewSec: 5 });
    const good = { sub: 'u1', iss: issuer, aud: [audience], exp: NOW_SEC + 60, nbf: NOW_SEC - 60, iat: NOW_SEC - 60 };
    expectAdmitted(await h.bearer(sign(good, secret)));
    expect(headerOf(h.seen[0], 'x-auth-subject')).toEqual(['u1']);
    expectDenied(await h.bearer(sign({ ...good, iss: 'x' }, secret)), 'issuer mismatch');
    expectDenied(await h.bearer(sign({ ...good, aud: 'x' }, secret)), 'audience mismatch');
    expectDenied(await h.bearer(sign({ ...good, exp: NOW_SEC - 5 }, secret)), 'token expired');
    expectDenied(await h.bearer(sign({ ...good, nbf: NOW_SEC + 6 }, secret)), 'token not yet valid');
    h.clock.now = T0 + 64_999;
    expectAdmitted(await h.bearer(sign(good, secret)));
    h.clock.now = T0 + 65_000;
    expectDenied(await h.bearer(sign(good, secret)), 'token expired');
  });

  it('ignores iat, even in the future', async () => {
    const h = harness({ secret, clockSkewSec: 0 });
    expectAdmitted(await h.bearer(sign({ iat: NOW_SEC + 86_400 }, secret)));
    expectAdmitted(await h.bearer(sign({ iat: 'not a number' }, secret)));
  });

  it('matches claims with non-ASCII and escaped characters', async () => {
    const h = harness({ secret, issuer: 'https://idp.example/tenant/zürich', audience: 'api "v2"' });
    expectAdmitted(await h.bearer(sign('{"iss":"https://idp.example/tenant/z\\u00fcrich","aud":["api \\"v2\\""]}', secret)));
    expectAdmitted(await h.bearer(sign({ iss: 'https://idp.example/tenant/zürich', aud: 'api "v2"' }, secret)));
    expectDenied(await h.bearer(sign({ iss: 'https://idp.example/tenant/zurich', aud: 'api "v2"' }, secret)), 'issuer mismatch');
  });
});
