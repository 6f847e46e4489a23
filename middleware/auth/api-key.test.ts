// API keys: the configured header must hold exactly one of the keys. With both JWT
// and keys configured, either credential suffices.
import { describe, expect, it } from 'vitest';
import { NOW_SEC, expectAdmitted, expectDenied, harness, headerOf, sign } from './jwt.fixture.js';

const keys = ['k_live_0123456789abcdef', 'k_live_fedcba9876543210', 'short'];

describe('auth: API keys', () => {
  it('admits each configured key in x-api-key, unchanged and without a subject', async () => {
    const h = harness({ apiKeys: keys });
    for (const key of keys) expectAdmitted(await h.request({ 'x-api-key': key, 'x-auth-subject': 'spoof' }));
    expect(h.seen.map((r) => headerOf(r, 'x-api-key'))).toEqual(keys.map((k) => [k]));
    expect(h.seen.flatMap((r) => headerOf(r, 'x-auth-subject'))).toEqual([]);
  });

  it('refuses near misses of a key', async () => {
    const h = harness({ apiKeys: keys });
    for (const bad of [
      'k_live_0123456789abcdeF',
      'k_live_0123456789abcde',
      'k_live_0123456789abcdef0',
      ' short',
      'shor',
      'Short',
      'x',
      'k_live_0123456789abcdef,short',
    ]) {
      expectDenied(await h.request({ 'x-api-key': bad }), 'invalid api key');
    }
    expectDenied(await h.request({ 'x-api-key': '' }), 'invalid api key');
    expect(h.seen).toHaveLength(0);
  });

  it('refuses the key header given twice, even with a valid key', async () => {
    const h = harness({ apiKeys: keys });
    expectDenied(
      await h.request([
        ['x-api-key', keys[0]],
        ['X-Api-Key', keys[0]],
      ]),
      'invalid api key',
    );
  });

  it('reads the header case-insensitively, and a custom header when configured', async () => {
    const h = harness({ apiKeys: keys, apiKeyHeader: 'X-Service-Token' });
    expectAdmitted(await h.request({ 'x-service-token': keys[1] }));
    expectAdmitted(await h.request({ 'X-SERVICE-TOKEN': keys[1] }));
    expectDenied(await h.request({ 'x-api-key': keys[1] }), 'missing credentials');
  });

  it('handles non-ASCII keys', async () => {
    const h = harness({ apiKeys: ['clé-ü'] });
    expectAdmitted(await h.request({ 'x-api-key': 'clé-ü' }));
    expectDenied(await h.request({ 'x-api-key': 'cle-u' }), 'invalid api key');
  });

  it('uses the configured realm in the challenge', async () => {
    const h = harness({ apiKeys: keys, realm: 'orders api' });
    expectDenied(await h.request({}), 'missing credentials', 'orders api');
    expectDenied(await h.request({ 'x-api-key': 'nope' }), 'invalid api key', 'orders api');
  });

  describe('with a JWT secret too', () => {
    const secret = 's3cret';
    const token = () => sign({ sub: 'jwt-user', exp: NOW_SEC + 60 }, secret);

    it('admits either credential alone', async () => {
      const h = harness({ secret, apiKeys: keys });
      expectAdmitted(await h.request({ 'x-api-key': keys[0] }));
      expectAdmitted(await h.bearer(token()));
      expect(h.seen.map((r) => headerOf(r, 'x-auth-subject'))).toEqual([[], ['jwt-user']]);
    });

    it('admits when one of the two is valid, and reports the token failure when both are bad', async () => {
      const h = harness({ secret, apiKeys: keys });
      expectAdmitted(await h.request({ authorization: `Bearer ${token()}`, 'x-api-key': 'wrong' }));
      expectAdmitted(await h.request({ authorization: `Bearer ${sign({}, 'wrong')}`, 'x-api-key': keys[2] }));
      expectDenied(await h.request({ authorization: `Bearer ${sign({}, 'wrong')}`, 'x-api-key': 'wrong' }), 'bad signature');
      expectDenied(await h.request({ authorization: 'Basic dXNlcjpwYXNz', 'x-api-key': 'wrong' }), 'invalid api key');
    });

    it('asks for credentials when there are none', async () => {
      const h = harness({ secret, apiKeys: keys });
      const res = await h.request({ 'x-other': '1' });
      expectDenied(res, 'missing credentials');
      expect(res.headers['www-authenticate']).toBe('Bearer realm="witline"');
    });
  });
});
