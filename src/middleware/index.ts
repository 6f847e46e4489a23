/**
 * The bundled middlewares, each a factory returning a {@link Stage}.
 *
 * @example
 * ```ts
 * import { pipeline } from 'witline'
 * import { auth, rateLimit, signature, transform } from 'witline/middleware'
 * pipeline([auth({ secret: process.env.JWT_SECRET }), rateLimit({ burst: 10, perSecond: 5 }), transform({})])
 * pipeline([signature({ secret: process.env.WEBHOOK_SECRET!, pool: true })], { handler: 'http://127.0.0.1:3000' })
 * ```
 */
export { auth, type AuthOptions } from './auth.js';
export { rateLimit, type RateLimitOptions } from './rate-limit.js';
export { transform, type TransformOptions } from './transform.js';
export { signature, type SignatureOptions } from './signature.js';
export { bundledComponent } from './bundled.js';
