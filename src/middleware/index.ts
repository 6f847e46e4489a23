/**
 * The bundled middlewares, each a factory returning a {@link Stage}.
 *
 * @example
 * ```ts
 * import { pipeline } from 'witline'
 * import { auth, rateLimit, transform } from 'witline/middleware'
 * pipeline([auth({ secret: process.env.JWT_SECRET }), rateLimit({ burst: 10, perSecond: 5 }), transform({})])
 * ```
 */
export { auth, type AuthOptions } from './auth.js';
export { rateLimit, type RateLimitOptions } from './rate-limit.js';
export { transform, type TransformOptions } from './transform.js';
export { bundledComponent } from './bundled.js';
