// nbf (seconds), when present, refuses a token while now + skew < nbf.
import { describe, expect, it } from 'vitest';
import { NOW_SEC, T0, expectAdmitted, expectDenied, harness, sign } from './jwt.fixture.js';

const secret = 's3cret';

describe('auth: JWT not yet valid', () => {
  it('refuses a token whose nbf is well in the future', async () => {
    const h = harness({ secret });
    expectDenied(await h.bearer(sign({ sub: 'a', nbf: NOW_SEC + 3600 }, secret)), 'token not yet valid');
    expect(h.seen).toHaveLength(0);
  });

  it('grants the default 30 s of skew, to the millisecond', async () => {
    const h = harness({ secret });
    const token = sign({ nbf: NOW_SEC + 30 }, secret);
    h.clock.now = T0 - 1;
    expectDenied(await h.bearer(token), 'token not yet valid');
    h.clock.now = T0;
    expectAdmitted(await h.bearer(token));
  });

  it('honours clockSkewSec: 0 and becomes valid exactly at nbf', async () => {
    const h = harness({ secret, clockSkewSec: 0 });
    const token = sign({ nbf: NOW_SEC + 5, exp: NOW_SEC + 60 }, secret);
    h.clock.now = T0 + 4_999;
    expectDenied(await h.bearer(token), 'token not yet valid');
    h.clock.now = T0 + 5_000;
    expectAdmitted(await h.bearer(token));
  });

  it('refuses on expiry when both windows are violated (exp is checked first)', async () => {
    const h = harness({ secret, clockSkewSec: 0 });
    expectDenied(await h.bearer(sign({ nbf: NOW_SEC + 10, exp: NOW_SEC - 10 }, secret)), 'token expired');
  });

  it('accepts a past nbf', async () => {
    const h = harness({ secret });
    expectAdmitted(await h.bearer(sign({ nbf: NOW_SEC - 86_400 }, secret)));
  });
});
