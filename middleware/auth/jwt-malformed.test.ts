// Whatever a client puts in the Authorization header, the guest answers 401
// "malformed token" and never traps (a trap would be a 500 and a replaced instance).
import { describe, expect, it } from 'vitest';
import { HS256, NOW_SEC, b64url, expectDenied, harness, rng, sign } from './jwt.fixture.js';

const secret = 's3cret';
const j = (v: unknown) => b64url(JSON.stringify(v));
const H = j(HS256);
const P = j({ sub: 'a', exp: NOW_SEC + 60 });
const bytes = (...b: number[]) => Uint8Array.from(b);
const utf8 = (s: string) => new TextEncoder().encode(s);
const cat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

describe('auth: malformed JWT', () => {
  it('refuses tokens that are not three base64url segments', async () => {
    const h = harness({ secret });
    const valid = sign({ sub: 'a' }, secret);
    const cases = [
      '',
      'abc',
      'a.b',
      'a.b.c.d',
      '..',
      '...',
      `${valid}.`,
      `.${valid}`,
      valid.replace('.', '..'),
      `${H}.${P}.${valid.split('.')[2]}=`, // padding is not base64url
      `${H}=.${P}.x`,
      `${H}.${P}+/.x`,
      `${H}.${P}.a b`,
      `${H}.${P}.é`,
      `${H}.${P}.\u00ff\u00fe`,
      `${H}.${P}.a`,
      `a.${P}.xx`,
      `${H}.a.xx`, // a single trailing character cannot encode a byte
      `${H}.${P}.%41%42`,
      `${H}.${P}.x\ty`,
    ];
    for (const token of cases) expectDenied(await h.bearer(token), 'malformed token');
    expectDenied(await h.request({ authorization: 'Bearer' }), 'malformed token');
    expectDenied(await h.request({ authorization: 'Bearer    ' }), 'malformed token');
    // A NUL cannot arrive on a socket; inject() refuses it the same way, before any stage.
    expect((await h.bearer(`${H}\u0000.${P}.xx`)).status).toBe(400);
    expect(h.replaced()).toBe(0);
  });

  it('refuses a header that is not a UTF-8 JSON object with a string alg', async () => {
    const h = harness({ secret });
    const headers: Array<string | Uint8Array> = [
      'not json',
      '',
      '[]',
      '["HS256"]',
      '"HS256"',
      '42',
      'null',
      '{"alg":"HS256"} x',
      '{"alg":"HS256",}',
      '{"alg":"HS256"',
      '{alg:"HS256"}',
      "{'alg':'HS256'}",
      '{"alg":"HS256","x":"\u0001"}',
      '{}',
      '{"typ":"JWT"}',
      '{"alg":5}',
      '{"alg":null}',
      '{"alg":["HS256"]}',
      '{"alg":"HS256","typ":"JWS"}',
      '{"alg":"HS256","typ":1}',
      '{"alg":"HS256","crit":["exp"]}',
      cat(utf8('{"alg":"HS256","x":"'), bytes(0xff), utf8('"}')),
      cat(utf8('{"alg":"HS256","x":"'), bytes(0xc0, 0xaf), utf8('"}')), // overlong '/'
      cat(utf8('{"alg":"HS256","x":"'), bytes(0xed, 0xa0, 0x80), utf8('"}')), // UTF-16 surrogate
      cat(utf8('{"alg":"HS256","x":"'), bytes(0xe2, 0x82), utf8('"}')), // truncated sequence
      cat(utf8('{"alg":"HS256","x":"'), bytes(0xf4, 0x90, 0x80, 0x80), utf8('"}')), // past U+10FFFF
    ];
    // Signed properly, so that only the header can be at fault.
    for (const header of headers) expectDenied(await h.bearer(sign({ sub: 'a' }, secret, header)), 'malformed token');
    expect(h.replaced()).toBe(0);
  });

  it('refuses a correctly signed payload that is not a UTF-8 JSON object', async () => {
    const h = harness({ secret });
    const payloads: Array<string | Uint8Array> = [
      '',
      'not json',
      '[]',
      '[{"sub":"a"}]',
      '"sub"',
      '1',
      'true',
      'null',
      '{"sub":"a"',
      '{"sub":"a",}',
      '{"sub":"a"}}',
      '{"sub":"a\nb"}',
      '{"sub":"\\x41"}',
      '{"sub":"\\u12"}',
      '{"exp":01}',
      '{"exp":1.}',
      '{"exp":+1}',
      '{"exp":NaN}',
      cat(utf8('{"sub":"'), bytes(0x80), utf8('"}')),
      cat(utf8('{"sub":"'), bytes(0xe0, 0x80, 0xaf), utf8('"}')),
      cat(utf8('{"sub":"ok","n":"'), bytes(0xf8, 0x88, 0x80, 0x80, 0x80), utf8('"}')),
      '{"a":' + '['.repeat(5000) + ']'.repeat(5000) + '}', // deeper than the scanner follows
    ];
    for (const payload of payloads) expectDenied(await h.bearer(sign(payload, secret)), 'malformed token');
    expect(h.replaced()).toBe(0);
  });

  it('refuses claims of the wrong type', async () => {
    const h = harness({ secret });
    for (const claims of [
      { exp: String(NOW_SEC + 60) },
      { exp: null },
      { exp: [NOW_SEC + 60] },
      { exp: { t: 1 } },
      { exp: true },
      { nbf: '0' },
      { nbf: false },
      { sub: 42 },
      { sub: null },
      { sub: ['a'] },
      { sub: { id: 'a' } },
    ]) {
      expectDenied(await h.bearer(sign(claims, secret)), 'malformed token');
    }
  });

  it('refuses a sub that cannot be a header value rather than passing it mangled', async () => {
    const h = harness({ secret });
    for (const sub of ['a\r\nx-admin: 1', 'a\nb', 'tab\there', '\u0000', 'josé', '用户', '\u007f', '\ud83d\ude00']) {
      expectDenied(await h.bearer(sign({ sub }, secret)), 'malformed token');
    }
    expect(h.seen).toHaveLength(0);
  });

  it('refuses several Authorization headers instead of guessing which one counts', async () => {
    const h = harness({ secret });
    const token = sign({ sub: 'a' }, secret);
    expectDenied(
      await h.request([
        ['authorization', `Bearer ${token}`],
        ['Authorization', `Bearer ${token}`],
      ]),
      'malformed token',
    );
  });

  it('treats another scheme as no credentials', async () => {
    const h = harness({ secret });
    const token = sign({ sub: 'a' }, secret);
    for (const value of [`Basic ${token}`, `Bearer:${token}`, `Bearerx ${token}`, token, '', 'Bea']) {
      expectDenied(await h.request({ authorization: value }), 'missing credentials');
    }
    expectDenied(await h.request({}), 'missing credentials');
  });

  it('survives seeded random mutations of a valid token: 200 or 401, never a trap', async () => {
    const h = harness({ secret });
    const next = rng(0x5eed);
    const pick = (s: string) => s[Math.floor(next() * s.length)];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ "{}\\\u00e9\u00ff\u00a0\u00b5';
    const base = sign({ sub: 'fuzz', exp: NOW_SEC + 60, aud: ['x', 'y'] }, secret);
    const statuses = new Set<number>();
    for (let i = 0; i < 600; i++) {
      let t = base;
      const edits = 1 + Math.floor(next() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(next() * (t.length + 1));
        const op = Math.floor(next() * 3);
        if (op === 0) t = t.slice(0, at) + pick(alphabet) + t.slice(at + 1);
        else if (op === 1) t = t.slice(0, at) + t.slice(at + 1);
        else t = t.slice(0, at) + pick(alphabet) + t.slice(at);
      }
      // Random segments of random bytes, signed or not.
      if (i % 5 === 0) {
        const seg = () => b64url(Uint8Array.from({ length: Math.floor(next() * 40) }, () => Math.floor(next() * 256)));
        t = i % 10 === 0 ? `${seg()}.${seg()}.${seg()}` : sign(Buffer.from(seg(), 'base64url'), secret, Buffer.from(seg(), 'base64url'));
      }
      const res = await h.bearer(t);
      statuses.add(res.status);
      expect([200, 401]).toContain(res.status);
    }
    expect(statuses.has(401)).toBe(true);
    expect(h.replaced()).toBe(0);
    expect(h.errors).toEqual([]);
  });
});
