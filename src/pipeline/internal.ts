/**
 * @internal
 * The pipeline's plumbing for its edges (the node:http edge in `listen()`, the adapters in
 * src/adapters/, tests): members of {@link Pipeline} keyed by these symbols are not public
 * API, and `stripInternal` keeps them out of the published typings.
 */

/** @internal `[kHandle](req, ctx, terminal?)`: run a request, with the host framework's handler as the terminal. */
export const kHandle = Symbol('witline.handle');
/** @internal `[kErrorResponse](err)`: the response a failure gets. */
export const kErrorResponse = Symbol('witline.errorResponse');
/** @internal `[kHasResponsePhase]`: whether any stage reads responses (edges buffer bodies only then). */
export const kHasResponsePhase = Symbol('witline.hasResponsePhase');
/** @internal `[kSegments]`: the planned segments (diagnostics and tests). */
export const kSegments = Symbol('witline.segments');
