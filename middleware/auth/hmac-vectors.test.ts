// The guest's SHA-256/HMAC against node:crypto: hundreds of seeded random secrets
// (1..200 bytes, so shorter than, equal to and longer than the 64-byte block, which
// are hashed first) and signing-input lengths covering every SHA-256 padding case
// (55/56/63/64/65/119/120... bytes). Each token must be accepted, and the same token
// with one signature byte changed refused.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { b64url, expectAdmitted, expectDenied, harness, rng } from './jwt.fixture.js';

const next = rng(0xc0ffee);
const int = (n: number) => Math.floor(next() * n);
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A token whose signing input `<header>.<payload>` is exactly `length` characters. */
function tokenOfLength(length: number, secret: string | Uint8Array): string {
  // A base64url segment is never 1 mod 4 long: pad the header JSON until the payload fits.
  for (let spaces = 0; spaces < 4; spaces++) {
    const header = b64url(`{"alg":"HS256"${' '.repeat(spaces)}}`);
    const p = length - header.length - 1;
    const n = Math.floor((3 * p) / 4); // payload bytes encoding to exactly p characters
    if (p % 4 === 1 || n < 8) continue;
    const filler = Array.from({ length: n - 8 }, () => ALNUM[int(ALNUM.length)]).join('');
    const input = `${header}.${b64url(`{"p":"${filler}"}`)}`;
    expect(input.length).toBe(length);
    return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
  }
  throw new Error(`no token of length ${length}`);
}

function randomSecret(length: number): string | Uint8Array {
  // Mostly raw bytes; every fourth secret is text, whose UTF-8 bytes are the key.
  if (length % 4 !== 0) return Uint8Array.from({ length }, () => int(256));
  const chars = [...ALNUM, 'é', '€', '😀', ' ', '"', '\\'];
  let s = '';
  while (Buffer.byteLength(s) < length) {
    const c = chars[int(chars.length)];
    if (Buffer.byteLength(s + c) <= length) s += c;
    else s += 'a';
  }
  return s;
}

/** `token` with one random signature byte changed (still canonical base64url). */
function flipped(token: string): string {
  const dot = token.lastIndexOf('.');
  const mac = Buffer.from(token.slice(dot + 1), 'base64url');
  mac[int(32)] ^= 1 + int(255);
  return `${token.slice(0, dot + 1)}${b64url(mac)}`;
}

// Every length from 32 (the shortest possible) to 400, then long inputs around
// multi-block boundaries.
const lengths = [...Array.from({ length: 369 }, (_, i) => 32 + i), ...[1023, 1024, 1025, 1079, 1080, 1081, 4095, 4096, 4097, 4151, 4152, 12_000]];
const secretLengths = [...Array.from({ length: 200 }, (_, i) => i + 1), ...Array.from({ length: 100 }, () => 1 + int(200))];
const vectors = secretLengths.map((len, i) => ({
  secret: randomSecret(len),
  inputs: [lengths[i % lengths.length], lengths[(i + 300) % lengths.length], lengths[(i * 7 + 11) % lengths.length]],
}));

describe('auth: HMAC-SHA256 vectors', () => {
  it('covers every signing-input length and the block edges of both the key and the message', () => {
    const covered = new Set(vectors.flatMap((v) => v.inputs));
    for (const l of lengths) expect(covered.has(l)).toBe(true);
    const keyBytes = new Set(vectors.map((v) => (typeof v.secret === 'string' ? Buffer.byteLength(v.secret) : v.secret.length)));
    for (const l of [1, 32, 63, 64, 65, 128, 200]) expect(keyBytes.has(l)).toBe(true);
  });

  it(`accepts ${vectors.length * 3} tokens signed by node:crypto and refuses each with a changed signature byte`, async () => {
    let checked = 0;
    for (const { secret, inputs } of vectors) {
      const h = harness({ secret });
      for (const length of inputs) {
        const token = tokenOfLength(length, secret);
        expectAdmitted(await h.bearer(token));
        expectDenied(await h.bearer(flipped(token)), 'bad signature');
        checked++;
      }
      expect(h.replaced()).toBe(0);
    }
    expect(checked).toBe(900);
  });

  it('verifies against every rotated secret', async () => {
    const secrets = vectors.slice(0, 40).map((v) => v.secret);
    const h = harness({ secrets });
    for (const [i, secret] of secrets.entries()) {
      const token = tokenOfLength(lengths[(i * 13) % lengths.length], secret);
      expectAdmitted(await h.bearer(token));
      expectDenied(await h.bearer(flipped(token)), 'bad signature');
    }
  });
});
