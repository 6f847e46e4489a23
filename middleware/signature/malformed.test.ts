// What a request gets when its signature header is absent, repeated or unreadable: 401
// with a reason, never a trap (a trap would be a 500 and a lost instance).
import { describe, expect, it } from 'vitest';
import { githubSignature, reason, withSignature } from './support.js';

describe('signature (github): unusable signature headers', () => {
  const p = withSignature({ secret: 's' });
  const post = (headers: Array<[string, string]>) => p.inject({ method: 'POST', body: 'b', headers });

  it('answers 401 with a JSON reason when the header is missing', async () => {
    const res = await post([]);
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.json()).toEqual({ error: 'invalid_signature', error_description: 'missing signature' });
  });

  it.each<[string, Array<[string, string]>, string]>([
    [
      'two signature headers, even if one is right',
      [
        ['x-hub-signature-256', githubSignature('s', 'b')],
        ['x-hub-signature-256', 'sha256=00'],
      ],
      'malformed signature',
    ],
    ['no prefix', [['x-hub-signature-256', 'ab'.repeat(32)]], 'malformed signature'],
    ['a prefix in another case', [['x-hub-signature-256', `SHA256=${'ab'.repeat(32)}`]], 'malformed signature'],
    ['non-hex characters', [['x-hub-signature-256', `sha256=${'zz'.repeat(32)}`]], 'malformed signature'],
    ['an odd number of hex digits', [['x-hub-signature-256', `sha256=${'a'.repeat(63)}`]], 'malformed signature'],
    ['a short signature', [['x-hub-signature-256', `sha256=${'ab'.repeat(16)}`]], 'bad signature'],
    ['an empty signature', [['x-hub-signature-256', 'sha256=']], 'bad signature'],
    ['a very long signature', [['x-hub-signature-256', `sha256=${'ab'.repeat(3000)}`]], 'bad signature'],
    ['non-ASCII text', [['x-hub-signature-256', 'sha256=\u00e9\u00e9']], 'malformed signature'],
  ])('refuses %s', async (_, headers, why) => {
    const res = await post(headers);
    expect(res.status).toBe(401);
    expect(reason(res)).toBe(why);
  });

  it('never lost its instance on any of it', () => {
    expect(p.describe().stages[0].replacedInstances).toBe(0);
  });
});
