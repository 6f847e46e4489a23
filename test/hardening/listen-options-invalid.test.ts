import { afterAll, expect, it } from 'vitest';
import { pipeline } from '../../src/index.js';
import { quiet } from './support.js';

// Finding 6: listen()'s timeouts and connection cap are validated: InvalidConfigError.
const p = pipeline([], { logger: quiet });
afterAll(() => p.close());

it.each([
  [{ headersTimeout: 0 }, /headersTimeout/],
  [{ requestTimeout: -1 }, /requestTimeout/],
  [{ keepAliveTimeout: 1.5 }, /keepAliveTimeout/],
  [{ maxConnections: 0 }, /maxConnections/],
  [{ headersTimeout: 5_000, requestTimeout: 1_000 }, /must not exceed requestTimeout/],
])('refuses %o', async (options, message) => {
  await expect(p.listen({ port: 0, host: '127.0.0.1', ...options })).rejects.toMatchObject({
    code: 'WITLINE_INVALID_CONFIG',
    message: expect.stringMatching(message),
  });
});
