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
