import { InvalidConfigError } from '../core/errors.js';
import { isToken } from '../core/http.js';
import type { PoolOptions } from '../core/stage.js';
import { stage, type Stage } from '../pipeline/stage.js';
import { bundledComponent } from './bundled.js';
import { secretPairs } from './secret.js';

/** Settings of the bundled {@link signature} middleware. */
export interface SignatureOptions {
  /** The HMAC-SHA256 key: text (used as its UTF-8 bytes) or raw bytes. Give this or `secrets`. */
  secret?: string | Uint8Array;
  /** More keys, for rotation: a request signed with any of them is accepted. */
  secrets?: ReadonlyArray<string | Uint8Array>;
  /**
   * `'github'` (default): the header holds `<prefix><signature>` over the raw body.
   * `'stripe'`: the header holds `t=<unix seconds>,v1=<signature>[,v1=...]` over
   * `<t>.<body>`, and `t` must be within `toleranceSec` of the clock (replay protection).
   */
  style?: 'github' | 'stripe';
  /** The header carrying the signature. Default `x-hub-signature-256` (github) or `stripe-signature` (stripe). */
  header?: string;
  /** Text before the signature, github style only. Default `sha256=`; may be `''`. */
  prefix?: string;
  /** How the signature is written. Default `'hex'` (either case); `'base64'` is standard, padded base64. */
  encoding?: 'hex' | 'base64';
  /** Largest accepted |now − t| in seconds, stripe style only. Default 300. */
  toleranceSec?: number;
  /** Run the stage on a worker pool (see {@link PoolOptions}): worth it for large bodies. */
  pool?: true | PoolOptions;
}

const KNOWN = new Set(['secret', 'secrets', 'style', 'header', 'prefix', 'encoding', 'toleranceSec', 'pool']);
const PRINTABLE = /^[\x21-\x7e]*$/;

function fail(message: string): never {
  throw new InvalidConfigError(`signature: ${message}`);
}

/** The settings the signature guest reads, validated (exported for tests and tooling). */
export function signatureConfig(options: SignatureOptions): Array<[string, string]> {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) fail('options must be an object');
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) fail(`unknown option '${key}'`);
  const config: Array<[string, string]> = secretPairs(options, fail);
  if (config.length === 0) fail(`give a 'secret' (or 'secrets')`);
  const style = options.style ?? 'github';
  if (style !== 'github' && style !== 'stripe') fail(`'style' must be 'github' or 'stripe'`);
  config.push(['style', style]);
  if (options.header !== undefined) {
    if (typeof options.header !== 'string' || !isToken(options.header)) fail(`'header' must be a valid header name`);
    config.push(['header', options.header.toLowerCase()]);
  }
  if (options.prefix !== undefined) {
    if (style !== 'github') fail(`'prefix' applies to the github style only`);
    if (typeof options.prefix !== 'string' || !PRINTABLE.test(options.prefix)) fail(`'prefix' must be printable ASCII without spaces`);
    config.push(['prefix', options.prefix]);
  }
  if (options.encoding !== undefined) {
    if (options.encoding !== 'hex' && options.encoding !== 'base64') fail(`'encoding' must be 'hex' or 'base64'`);
    config.push(['encoding', options.encoding]);
  }
  if (options.toleranceSec !== undefined) {
    if (style !== 'stripe') fail(`'toleranceSec' applies to the stripe style only`);
    const t = options.toleranceSec;
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > 999_999_999) fail(`'toleranceSec' must be an integer from 1 to 999999999`);
    config.push(['tolerance-sec', String(t)]);
  }
  return config;
}

/**
 * Webhook signature verification: HMAC-SHA256 over the whole request body, as GitHub
 * (`X-Hub-Signature-256: sha256=<hex>`) and Stripe (`Stripe-Signature: t=…,v1=…`, with a
 * timestamp tolerance against replays) sign their deliveries.
 *
 * A request passes unchanged when its single signature header verifies with one of the
 * secrets (compared in constant time). Otherwise the answer is 401 with the JSON body
 * `{ "error": "invalid_signature", "error_description": reason }`, the reason one of
 * `missing signature`, `malformed signature`, `bad signature`, `timestamp outside tolerance`.
 * A request without a body is verified as an empty body.
 *
 * Hashing large bodies is CPU work: give `pool` to run it on worker threads, so the
 * event loop keeps serving while a 1 MB delivery is verified.
 *
 * @throws {InvalidConfigError} without a secret, or with a bad option (checked again by the guest).
 * @example
 * ```ts
 * import { pipeline } from 'witline'
 * import { signature } from 'witline/middleware'
 * // GitHub webhooks, verified off the main thread.
 * const github = signature({ secret: process.env.GITHUB_WEBHOOK_SECRET!, pool: { maxThreads: 2 } })
 * // Stripe webhooks: `Stripe-Signature`, 5 minutes of tolerance.
 * const stripe = signature({ secret: process.env.STRIPE_WEBHOOK_SECRET!, style: 'stripe', toleranceSec: 300 })
 * await pipeline([github], { handler: 'http://127.0.0.1:3000' }).listen({ port: 8080 })
 * ```
 */
export function signature(options: SignatureOptions): Stage {
  return stage({
    name: 'signature',
    component: bundledComponent('signature'),
    config: signatureConfig(options),
    capabilities: ['clock', 'log'],
    ...(options.pool !== undefined && { pool: options.pool }),
  });
}
