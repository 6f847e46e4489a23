import { InvalidConfigError } from '../core/errors.js';
import { isToken } from '../core/http.js';
import { stage, type Stage } from '../pipeline/stage.js';
import { bundledComponent } from './bundled.js';

/** Settings of the bundled {@link rateLimit} middleware. */
export interface RateLimitOptions {
  /** Bucket capacity: how many requests a client may make at once. An integer from 1 to 1e9. */
  burst: number;
  /** Refill rate in tokens (requests) per second; above 0, may be fractional (`1 / 60`: one a minute). */
  perSecond: number;
  /**
   * What identifies a client. `'ip'` (default): the remote address. `{ header }`: that
   * request header's value; a request without it (or with it empty) is limited by its
   * address, in a bucket apart from every header value.
   */
  key?: 'ip' | { header: string };
  /**
   * Namespace of the buckets in the `kv` store. Default `rl:`. Give stages their own
   * prefix when several limit the same clients; stages (or pipelines sharing a store)
   * with the same prefix share the same buckets.
   */
  prefix?: string;
}

const KNOWN = new Set(['burst', 'perSecond', 'key', 'prefix']);
const MAX_BURST = 1_000_000_000;

function fail(message: string): never {
  throw new InvalidConfigError(`rateLimit: ${message}`);
}

/** The settings the rate-limit guest reads, validated (exported for tests and tooling). */
export function rateLimitConfig(options: RateLimitOptions): Array<[string, string]> {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) fail('options must be an object');
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) fail(`unknown option '${key}'`);
  const { burst, perSecond, key, prefix } = options;
  if (typeof burst !== 'number' || !Number.isInteger(burst) || burst < 1 || burst > MAX_BURST) {
    fail(`'burst' must be an integer from 1 to ${MAX_BURST}`);
  }
  if (typeof perSecond !== 'number' || !Number.isFinite(perSecond) || perSecond <= 0) {
    fail(`'perSecond' must be a finite number > 0`);
  }
  // String(n) of a finite number is always valid JSON number text, which the guest parses.
  const config: Array<[string, string]> = [
    ['burst', String(burst)],
    ['per-second', String(perSecond)],
  ];
  if (key !== undefined && key !== 'ip') {
    if (key === null || typeof key !== 'object' || Array.isArray(key)) fail(`'key' must be 'ip' or { header: string }`);
    for (const k of Object.keys(key)) if (k !== 'header') fail(`unknown option 'key.${k}'`);
    if (typeof key.header !== 'string' || !isToken(key.header)) fail(`'key.header' must be a valid header name`);
    config.push(['key-header', key.header.toLowerCase()]);
  }
  if (prefix !== undefined) {
    if (typeof prefix !== 'string' || prefix.length === 0) fail(`'prefix' must be a non-empty string`);
    config.push(['prefix', prefix]);
  }
  return config;
}

/**
 * Rate limiting with a token bucket per client, kept in the pipeline's `kv` store.
 *
 * Each client's bucket holds up to `burst` tokens and refills at `perSecond`; a
 * request takes one. Without a token the answer is 429 with `Retry-After` (whole
 * seconds until the next token, at least 1), `RateLimit-Limit`, `RateLimit-Remaining:
 * 0`, `RateLimit-Reset` (the same wait), `RateLimit-Policy: <burst>;w=<seconds to
 * refill fully>` and the JSON body `{ "error": "rate_limited", "retry_after": N }`.
 *
 * An allowed request goes on unchanged. Its response gets the same RateLimit-*
 * headers (`Reset`: seconds until the next token, 0 when the bucket is full), read
 * again from the store in the response phase, so they reflect the bucket at that
 * moment. If the response already shows a lower `RateLimit-Remaining` (from another
 * limiter further in, or the upstream), it is left as it is: the client sees the
 * tightest limit.
 *
 * Buckets are updated with compare-and-swap. With the default in-process store it
 * always succeeds; with a store shared by several processes, a request that loses it
 * 8 times in a row is denied (fail closed) with `Retry-After: 1`. Idle buckets expire
 * once they would be full again. Time comes from the pipeline's `clock`; a clock set
 * back grants no tokens.
 *
 * @throws {InvalidConfigError} for a bad option (checked again by the guest).
 * @example
 * ```ts
 * import { pipeline } from 'witline'
 * import { rateLimit } from 'witline/middleware'
 * // Bursts of 20 per API key (by address without one), 5 a second sustained.
 * const p = pipeline([rateLimit({ burst: 20, perSecond: 5, key: { header: 'x-api-key' } })], {
 *   handler: 'http://127.0.0.1:3000',
 * })
 * await p.listen({ port: 8080 })
 * ```
 */
export function rateLimit(options: RateLimitOptions): Stage {
  return stage({
    name: 'rate-limit',
    component: bundledComponent('rate-limit'),
    config: rateLimitConfig(options),
    capabilities: ['kv', 'clock', 'context', 'log'],
  });
}
