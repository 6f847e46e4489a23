import { InvalidConfigError } from '../core/errors.js';
import { isToken } from '../core/http.js';
import { stage, type Stage } from '../pipeline/stage.js';
import { bundledComponent } from './bundled.js';
import { secretPairs } from './secret.js';

/** Settings of the bundled {@link auth} middleware. Give `secret`/`secrets`, `apiKeys`, or both. */
export interface AuthOptions {
  /**
   * HS256 key for `Authorization: Bearer <jwt>`: text (used as its UTF-8 bytes) or
   * raw bytes. RFC 7518 asks for at least 32 bytes of entropy.
   */
  secret?: string | Uint8Array;
  /** More HS256 keys, for rotation: a token signed with any of them is accepted. */
  secrets?: ReadonlyArray<string | Uint8Array>;
  /** When set, the token's `iss` must equal it. */
  issuer?: string;
  /**
   * When set, the token's `aud` (a string or an array of strings) must contain it.
   * When unset, `aud` is not checked.
   */
  audience?: string;
  /** Leeway in seconds for `exp` and `nbf`. Default 30. */
  clockSkewSec?: number;
  /** Accepted API keys, compared in constant time. */
  apiKeys?: readonly string[];
  /** Header carrying the API key. Default `x-api-key`. */
  apiKeyHeader?: string;
  /** Realm in the `WWW-Authenticate` challenge. Default `witline`. */
  realm?: string;
}

const KNOWN = new Set(['secret', 'secrets', 'issuer', 'audience', 'clockSkewSec', 'apiKeys', 'apiKeyHeader', 'realm']);
const QUOTABLE = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function fail(message: string): never {
  throw new InvalidConfigError(`auth: ${message}`);
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) fail(`'${name}' must be a non-empty string`);
  return value;
}

/**
 * Authentication by HS256 JSON Web Token or API key.
 *
 * A request passes when it carries `Authorization: Bearer <jwt>` signed with one of
 * the secrets (with `alg` `HS256`; `exp` and `nbf` honoured with `clockSkewSec`
 * leeway; `iss` and `aud` checked when `issuer`/`audience` are set), or an API key
 * header matching one of `apiKeys`. It goes on unchanged except that any
 * client-sent `x-auth-subject` is removed and, for a JWT with a `sub` claim, set to
 * it (a `sub` that is not printable ASCII is refused). Otherwise the answer is 401
 * with a JSON body `{ error: 'invalid_token', error_description }` and an RFC 6750
 * `WWW-Authenticate: Bearer` challenge.
 *
 * Unknown options are refused rather than ignored: a mistyped `audience` must not
 * silently turn a check off.
 *
 * @throws {InvalidConfigError} without any secret or API key, or with a bad option.
 * @example
 * ```ts
 * import { pipeline } from 'witline'
 * import { auth } from 'witline/middleware'
 * const p = pipeline(
 *   [auth({ secret: process.env.JWT_SECRET!, issuer: 'https://id.example.com', audience: 'api', apiKeys: [process.env.CI_KEY!] })],
 *   { handler: 'http://127.0.0.1:3000' },
 * )
 * await p.listen({ port: 8080 })
 * ```
 */
export function auth(options: AuthOptions): Stage {
  if (options === null || typeof options !== 'object') fail('options must be an object');
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) fail(`unknown option '${key}'`);

  const config: Array<[string, string]> = secretPairs(options, fail);
  const hasSecret = config.length > 0;
  if (options.apiKeys !== undefined) {
    if (!Array.isArray(options.apiKeys)) fail(`'apiKeys' must be an array of strings`);
    for (const key of options.apiKeys) {
      if (typeof key !== 'string' || key.length === 0) fail(`'apiKeys' must hold non-empty strings`);
      config.push(['api-key', key]);
    }
  }
  if (config.length === 0) fail('give a secret (or secrets) for JWTs, or apiKeys, or both');

  const issuer = optionalString(options.issuer, 'issuer');
  const audience = optionalString(options.audience, 'audience');
  if ((issuer !== undefined || audience !== undefined) && !hasSecret) fail(`'issuer' and 'audience' need a secret`);
  if (issuer !== undefined) config.push(['issuer', issuer]);
  if (audience !== undefined) config.push(['audience', audience]);

  if (options.clockSkewSec !== undefined) {
    const s = options.clockSkewSec;
    if (typeof s !== 'number' || !Number.isFinite(s) || s < 0) fail(`'clockSkewSec' must be a finite number >= 0`);
    config.push(['clock-skew-sec', String(s)]);
  }
  const header = optionalString(options.apiKeyHeader, 'apiKeyHeader');
  if (header !== undefined) {
    if (!isToken(header)) fail(`'apiKeyHeader' must be a valid header name`);
    config.push(['api-key-header', header.toLowerCase()]);
  }
  if (options.realm !== undefined) {
    if (typeof options.realm !== 'string' || !QUOTABLE.test(options.realm)) {
      fail(`'realm' must be printable ASCII without '"' or '\\'`);
    }
    config.push(['realm', options.realm]);
  }
  return stage({ name: 'auth', component: bundledComponent('auth'), config, capabilities: ['clock', 'log'] });
}
