/**
 * An HMAC secret option as the guest's config pair: a string as is, bytes as base64
 * (`secret-base64`), so binary keys survive the string-only config.
 */
export function secretPair(secret: unknown, name: string, fail: (message: string) => never): [string, string] {
  if (typeof secret === 'string') {
    if (secret.length === 0) fail(`'${name}' must not be empty`);
    return ['secret', secret];
  }
  if (secret instanceof Uint8Array) {
    if (secret.length === 0) fail(`'${name}' must not be empty`);
    return ['secret-base64', Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength).toString('base64')];
  }
  return fail(`'${name}' must be a string or a Uint8Array`);
}

/** The `secret` and `secrets` options as config pairs (possibly none: callers decide if one is required). */
export function secretPairs(options: { secret?: unknown; secrets?: unknown }, fail: (message: string) => never): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  if (options.secret !== undefined) pairs.push(secretPair(options.secret, 'secret', fail));
  if (options.secrets !== undefined) {
    if (!Array.isArray(options.secrets)) fail(`'secrets' must be an array`);
    options.secrets.forEach((s, i) => pairs.push(secretPair(s, `secrets[${i}]`, fail)));
  }
  return pairs;
}
