/**
 * Host capabilities a stage can be granted, each a WIT interface of
 * `witline:middleware@0.1.0`.
 */
export type Capability = 'log' | 'clock' | 'kv' | 'context';

export const WITLINE_CAPABILITIES: readonly Capability[] = ['log', 'clock', 'kv', 'context'];

export const WIT_PACKAGE = 'witline:middleware';
export const WIT_VERSION = '0.1.0';
