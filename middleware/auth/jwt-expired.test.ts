// exp (seconds) is optional; when present the token is refused from exp + skew on.
import { describe, expect, it } from 'vitest';
import { NOW_SEC, T0, expectAdmitted, expectDenied, harness, sign } from './jwt.fixture.js';

const secret = 's3cret';

describe('auth: expired JWT', () => {
  it('refuses a token that expired long ago', async () => {
    const h = harness({ secret });
    expectDenied(await h.bearer(sign({ sub: 'a', exp: NOW_SEC - 3600 }, secret)), 'token expired');
    expect(h.seen).toHaveLength(0);
  });

  it('grants the default 30 s of skew, to the millisecond', async () => {
    const h = harness({ secret });
    const token = sign({ exp: NOW_SEC }, secret);
    h.clock.now = T0 + 29_999;
    expectAdmitted(await h.bearer(token));
    h.clock.now = T0 + 30_000;
    expectDenied(await h.bearer(token), 'token expired');
  });

  it('honours clockSkewSec, including 0', async () => {
    const strict = harness({ secret, clockSkewSec: 0 });
    const token = sign({ exp: NOW_SEC + 1 }, secret);
    strict.clock.now = T0 + 999;
    expectAdmitted(await strict.bearer(token));
    strict.clock.now = T0 + 1000;
    expectDenied(await strict.bearer(token), 'token expired');

    const lenient = harness({ secret, clockSkewSec: 300 });
    lenient.clock.now = T0 + 300_999;
    expectAdmitted(await lenient.bearer(token));
    lenient.clock.now = T0 + 301_000;
    expectDenied(await lenient.bearer(token), 'token expired');
  });

  it('handles fractional and exponent-form NumericDates', async () => {
    const h = harness({ secret, clockSkewSec: 0 });
    h.clock.now = T0 + 500;
    expectAdmitted(await h.bearer(sign(`{"exp": ${NOW_SEC}.75}`, secret)));
    expectDenied(await h.bearer(sign(`{"exp": ${NOW_SEC}.25}`, secret)), 'token expired');
    expectAdmitted(await h.bearer(sign('{"exp": 1e12}', secret)));
    expectDenied(await h.bearer(sign('{"exp": 0}', secret)), 'token expired');
    expectDenied(await h.bearer(sign('{"exp": -1.5E3}', secret)), 'token expired');
  });

  it('reads the clock on every request: a token valid now expires later on the same instance', async () => {
    const h = harness({ secret, clockSkewSec: 0 });
    const token = sign({ exp: NOW_SEC + 10 }, secret);
    expectAdmitted(await h.bearer(token));
    h.clock.now = T0 + 10_000;
    expectDenied(await h.bearer(token), 'token expired');
    h.clock.now = T0;
    expectAdmitted(await h.bearer(token));
  });

  it('checks the signature before expiry: a forged expired token is a bad signature', async () => {
    const h = harness({ secret });
    expectDenied(await h.bearer(sign({ exp: NOW_SEC - 3600 }, 'other')), 'bad signature');
  });
});
