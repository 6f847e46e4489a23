// A well-formed, correctly signed, current HS256 token is admitted, and the request
// goes on unchanged except for the server-set x-auth-subject.
import { describe, expect, it } from 'vitest';
import { pipeline, stage } from '../../src/index.js';
import { auth } from '../../src/middleware/auth.js';
import { bundledComponent } from '../../src/middleware/bundled.js';
import { HS256, NOW_SEC, T0, expectAdmitted, harness, headerOf, sign } from './jwt.fixture.js';

const secret = 's3cret';

describe('auth: valid JWT', () => {
  it('admits the request and sets x-auth-subject from sub', async () => {
    const h = harness({ secret });
    const token = sign({ sub: 'user-42', exp: NOW_SEC + 60, iat: NOW_SEC }, secret);
    expectAdmitted(await h.bearer(token));
    expect(h.seen).toHaveLength(1);
    expect(headerOf(h.seen[0], 'x-auth-subject')).toEqual(['user-42']);
  });

  it('keeps the request as sent: method, uri, authorization and other headers in order', async () => {
    const h = harness({ secret });
    const token = sign({ sub: 'a' }, secret);
    const headers: Array<[string, string]> = [
      ['x-one', '1'],
      ['Authorization', `Bearer ${token}`],
      ['x-two', '2'],
    ];
    expectAdmitted(await h.request(headers));
    const req = h.seen[0];
    expect(req.method).toBe('GET');
    expect(req.uri).toBe('/');
    expect(req.headers.filter(([k]) => k !== 'x-auth-subject')).toEqual(headers);
  });

  it('removes a client-sent x-auth-subject, whatever its case, and sets none without sub', async () => {
    const h = harness({ secret });
    const token = sign({ exp: NOW_SEC + 60 }, secret);
    expectAdmitted(
      await h.request([
        ['X-Auth-Subject', 'admin'],
        ['x-auth-subject', 'root'],
        ['authorization', `Bearer ${token}`],
      ]),
    );
    expect(headerOf(h.seen[0], 'x-auth-subject')).toEqual([]);
  });

  it('replaces a client-sent x-auth-subject with the token sub', async () => {
    const h = harness({ secret });
    expectAdmitted(await h.request({ 'x-auth-subject': 'admin', authorization: `Bearer ${sign({ sub: 'bob' }, secret)}` }));
    expect(headerOf(h.seen[0], 'x-auth-subject')).toEqual(['bob']);
  });

  it('accepts the scheme in any case and extra spaces around the token', async () => {
    const h = harness({ secret });
    const token = sign({ sub: 'x' }, secret);
    for (const value of [`bearer ${token}`, `BEARER ${token}`, `Bearer   ${token}`, `Bearer ${token}  `]) {
      expectAdmitted(await h.request({ authorization: value }));
    }
  });

  it('accepts a token without exp, without typ, with typ "jwt", and with extra header fields', async () => {
    const h = harness({ secret });
    for (const header of [{ alg: 'HS256' }, { alg: 'HS256', typ: 'jwt' }, { typ: 'JWT', kid: 'k1', alg: 'HS256' }]) {
      expectAdmitted(await h.bearer(sign({ sub: 's' }, secret, header)));
    }
    expectAdmitted(await h.bearer(sign({}, secret, HS256)));
  });

  it('accepts tokens signed with any of the rotated secrets', async () => {
    const h = harness({ secret: 'old', secrets: ['current', 'next'] });
    for (const s of ['old', 'current', 'next']) expectAdmitted(await h.bearer(sign({ sub: s }, s)));
    expect(h.seen.map((r) => headerOf(r, 'x-auth-subject')[0])).toEqual(['old', 'current', 'next']);
  });

  it('accepts a binary secret given as bytes', async () => {
    const key = Uint8Array.from({ length: 48 }, (_, i) => (i * 37 + 200) & 0xff);
    const h = harness({ secret: key });
    expectAdmitted(await h.bearer(sign({ sub: 'bin' }, key)));
  });

  it('reads claims through JSON escapes, whitespace and repeated keys (last wins, as JSON.parse)', async () => {
    const h = harness({ secret, issuer: 'https://id.example/é' });
    const payload = ' { "sub" : "first", "iss": "https:\\/\\/id.example\\/\\u00e9", "sub": "u\\u0041", "nested": {"exp": 1} } ';
    expectAdmitted(await h.bearer(sign(payload, secret)));
    expect(headerOf(h.seen[0], 'x-auth-subject')).toEqual(['uA']);
  });

  it('serves many requests from one instance without leaking state between them', async () => {
    const h = harness({ secret });
    for (let i = 0; i < 200; i++) expectAdmitted(await h.bearer(sign({ sub: `user-${i}`, pad: 'x'.repeat(i * 7) }, secret)));
    expect(h.seen.map((r) => headerOf(r, 'x-auth-subject')[0])).toEqual(Array.from({ length: 200 }, (_, i) => `user-${i}`));
    expect(h.replaced()).toBe(0);
  });

  it('hands the next stage the rewritten request (echo answers with what it received)', async () => {
    const echo = stage({ component: bundledComponent('echo'), capabilities: ['log'] });
    const p = pipeline([auth({ secret }), echo], { clock: () => T0 });
    try {
      const res = await p.inject({ headers: { 'x-auth-subject': 'spoof', authorization: `Bearer ${sign({ sub: 'me' }, secret)}` } });
      expect(res.status).toBe(200);
      expect(res.headers['x-echo-h-x-auth-subject']).toBe('me');
      expect((await p.inject({ headers: { authorization: 'Bearer x.y.z' } })).status).toBe(401);
    } finally {
      await p.close();
    }
  });
});
