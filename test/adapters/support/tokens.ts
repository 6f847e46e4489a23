// HS256 tokens for the auth stage, made with Node's crypto (independent of the guest's).
import { createHmac } from 'node:crypto';

export const SECRET = 'adapter-tests-secret-0123456789abcdef';
export const ISSUER = 'witline-tests';
/** The fixed clock every adapter test pipeline runs on. */
export const T0 = 1_700_000_000_000;

const b64url = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** A token for `sub`, valid an hour from T0, signed with `secret`. */
export function token(sub: string, secret = SECRET): string {
  const iat = Math.floor(T0 / 1000);
  const signing = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub, iss: ISSUER, iat, exp: iat + 3600 })}`;
  return `${signing}.${createHmac('sha256', secret).update(signing).digest('base64url')}`;
}
