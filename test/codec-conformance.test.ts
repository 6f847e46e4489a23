import { beforeAll, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Guest } from '../src/component/guest.js';
import type { WitAction, WitRequest, WitResponse } from '../src/index.js';
import { bundledGuest } from './support/guest.js';
import { anyRequest, anyResponse } from './support/arbitraries.js';

// The codec (witline's lift/lower over the core exports) and jco's generated bindings
// must agree on every value that crosses the boundary, in both directions.
// The codec runs over core exports found two ways: a directly instantiated core module,
// and the core instances jco's own instantiate creates (the path for components that need
// jco's wiring, e.g. WASI or several modules).
let codec: Guest;
let viaJco: Guest;
let jco: Guest;
beforeAll(async () => {
  codec = await bundledGuest('echo', 'codec');
  viaJco = await bundledGuest('echo', 'codec', [], false);
  jco = await bundledGuest('echo', 'jco');
  expect([codec.binding, codec.instantiation]).toEqual(['codec', 'direct']);
  expect([viaJco.binding, viaJco.instantiation]).toEqual(['codec', 'jco']);
  expect(jco.binding).toBe('jco');
});

// jco lifts an absent option as undefined and bytes as Uint8Array; normalise both sides alike.
const norm = (v: WitAction | WitResponse) => JSON.parse(JSON.stringify(v, (_k, x) => (x instanceof Uint8Array ? Array.from(x) : x)));

const options = { seed: 42, numRuns: 400 };

it('agrees with jco on requests reflected into a respond action', () => {
  fc.assert(
    fc.property(anyRequest, (req: WitRequest) => {
      const expected = norm(jco.onRequest(req) as WitAction);
      expect(norm(codec.onRequest(req) as WitAction)).toEqual(expected);
      expect(norm(viaJco.onRequest(req) as WitAction)).toEqual(expected);
    }),
    options,
  );
});

it('agrees with jco on requests passed on as next(request)', () => {
  fc.assert(
    fc.property(anyRequest, (r: WitRequest) => {
      const req = { ...r, headers: [...r.headers, ['x-echo-pass', '1'] as [string, string]] };
      const a = codec.onRequest(req) as WitAction;
      expect(a.tag).toBe('next');
      expect(norm(a)).toEqual(norm(jco.onRequest(req) as WitAction));
      expect(norm(viaJco.onRequest(req) as WitAction)).toEqual(norm(a));
    }),
    options,
  );
});

it('agrees with jco on responses through the response phase', () => {
  fc.assert(
    fc.property(anyRequest, anyResponse, (req: WitRequest, resp: WitResponse) => {
      const a = codec.onResponse(req, resp) as WitResponse;
      expect(a.status).toBe(resp.status);
      expect(norm(a)).toEqual(norm(jco.onResponse(req, resp) as WitResponse));
      expect(norm(viaJco.onResponse(req, resp) as WitResponse)).toEqual(norm(a));
    }),
    options,
  );
});
