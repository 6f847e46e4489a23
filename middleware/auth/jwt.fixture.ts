// Shared helpers for the auth tests: tokens signed by node:crypto (an independent
// implementation), and a pipeline around the real auth component with an injected clock.
import { createHmac } from 'node:crypto';
import { afterEach, expect } from 'vitest';
import { pipeline, type InjectResponse, type Logger, type WitRequest } from '../../src/index.js';
import { auth, type AuthOptions } from '../../src/middleware/auth.js';

/** 2026-01-01T00:00:00Z, the tests' "now" unless they move the clock. */
export const T0 = Date.UTC(2026, 0, 1);
export const NOW_SEC = T0 / 1000;

export function b64url(data: string | Uint8Array): string {
  return Buffer.from(data).toString('base64url');
}

export const HS256 = { alg: 'HS256', typ: 'JWT' };

/** `<b64 header>.<b64 payload>.<b64 HMAC-SHA256>`; objects are JSON-encoded, strings and bytes taken as they are. */
export function sign(payload: object | string | Uint8Array, secret: string | Uint8Array, header: object | string = HS256): string {
  const enc = (v: object | string | Uint8Array) => b64url(typeof v === 'string' || v instanceof Uint8Array ? v : JSON.stringify(v));
  const input = `${enc(header)}.${enc(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** Deterministic PRNG (mulberry32), so "random" cases are the same on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Harness {
  /** Move this to move the guest's clock (epoch ms). */
  clock: { now: number };
  /** Requests that reached the handler, as the handler received them. */
  seen: WitRequest[];
  /** Guest log lines at error level (a trap logs one). */
  errors: string[];
  request(headers: Record<string, string | string[]> | Array<[string, string]>): Promise<InjectResponse>;
  bearer(token: string): Promise<InjectResponse>;
  /** Instances replaced after a trap: must stay 0, bad input is never a reason to trap. */
  replaced(): number;
}

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

export function harness(options: AuthOptions): Harness {
  const clock = { now: T0 };
  const seen: WitRequest[] = [];
  const errors: string[] = [];
  const quiet = () => {};
  const logger: Logger = { debug: quiet, info: quiet, warn: quiet, error: (m) => errors.push(m) };
  const p = pipeline([auth(options)], {
    clock: () => clock.now,
    logger,
    handler: (req) => {
      seen.push(req);
      return { status: 200, headers: [['content-type', 'text/plain']], body: 'ok' };
    },
  });
  open.push(p);
  const request = (headers: Record<string, string | string[]> | Array<[string, string]>) => p.inject({ method: 'GET', url: '/', headers });
  return {
    clock,
    seen,
    errors,
    request,
    bearer: (token) => request({ authorization: `Bearer ${token}` }),
    replaced: () => p.describe().stages[0].replacedInstances,
  };
}

/** Assert the RFC 6750 401: JSON body with the reason, and the matching challenge. */
export function expectDenied(res: InjectResponse, reason: string, realm = 'witline'): void {
  expect({ status: res.status, body: res.json() }).toEqual({
    status: 401,
    body: { error: 'invalid_token', error_description: reason },
  });
  expect(res.headers['content-type']).toBe('application/json');
  const challenge =
    reason === 'missing credentials' ? `Bearer realm="${realm}"` : `Bearer realm="${realm}", error="invalid_token", error_description="${reason}"`;
  expect(res.headers['www-authenticate']).toBe(challenge);
}

export function expectAdmitted(res: InjectResponse): void {
  expect({ status: res.status, text: res.text() }).toEqual({ status: 200, text: 'ok' });
}

/** The value of a header on a request the handler received (names compare case-insensitively). */
export function headerOf(req: WitRequest, name: string): string[] {
  return req.headers.filter(([k]) => k.toLowerCase() === name).map(([, v]) => v);
}
