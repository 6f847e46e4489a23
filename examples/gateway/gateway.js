// The example gateway's pieces besides the CLI: where its config is, and demo tokens its auth stage accepts.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The gateway's config file: auth → rate limit → transform in front of the demo API. */
export const CONFIG = fileURLToPath(new URL('./witline.config.json', import.meta.url));

/** The auth stage's options in a config file (its secret and issuer sign the demo tokens). */
export function authOptions(configFile = CONFIG) {
  const config = JSON.parse(readFileSync(configFile, 'utf8'));
  return config.stages.find((s) => s.use === 'auth').options;
}

const b64url = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** A demo HS256 token for `sub`, valid for `ttlSec` from `nowMs`, signed as the config's auth stage expects. */
export function demoToken(sub = 'demo-user', { configFile = CONFIG, nowMs = Date.now(), ttlSec = 24 * 3600 } = {}) {
  const { secret, issuer } = authOptions(configFile);
  const iat = Math.floor(nowMs / 1000);
  const signing = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub, iss: issuer, iat, exp: iat + ttlSec })}`;
  return `${signing}.${createHmac('sha256', secret).update(signing).digest('base64url')}`;
}
