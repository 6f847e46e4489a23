// The names of witline's WIT contract (wit/middleware.wit): package, version, interfaces,
// capabilities and the core export names wit-component gives the handlers. Their one
// home, in plain JS so that the host (TypeScript) and scripts/build-middleware.mjs (run
// by plain Node) import the same module. Types: wit-names.d.mts.

export const WIT_PACKAGE = 'witline:middleware';
export const WIT_VERSION = '0.1.0';

/** Interfaces of the package that are not capabilities. */
export const INTERFACES = Object.freeze({
  types: 'types',
  config: 'config',
  requestHandler: 'request-handler',
  responseHandler: 'response-handler',
});

/** The capabilities a stage can be granted, each an interface of the package. */
export const WITLINE_CAPABILITIES = Object.freeze(['log', 'clock', 'kv', 'context']);

/** `witline:middleware/<name>@0.1.0`: an interface (or world) as components name it; also a core import's module. */
export const witName = (name) => `${WIT_PACKAGE}/${name}@${WIT_VERSION}`;

/** `witline:middleware/<name>`: an imported interface as jco's instantiate keys it (no version). */
export const jcoImportName = (name) => `${WIT_PACKAGE}/${name}`;

/** Core export names of the exported functions, as wit-component names them. */
export const CORE_EXPORTS = Object.freeze({
  configure: `${witName(INTERFACES.config)}#configure`,
  onRequest: `${witName(INTERFACES.requestHandler)}#on-request`,
  onResponse: `${witName(INTERFACES.responseHandler)}#on-response`,
});

/** The core export that frees what export `name` returned. */
export const postReturn = (name) => `cabi_post_${name}`;

/**
 * A core module's custom section saying its `cabi_realloc` is an arena: it never frees a
 * block on its own, and post-return rewinds it whole, so one allocation may hold many
 * values (abi/memory.ts GuestMemory). witline's AssemblyScript and C SDKs declare it (their builders add it).
 */
export const ARENA_SECTION = 'witline:arena';
