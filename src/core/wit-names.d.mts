// Types of wit-names.mjs (see there).
/** Host capabilities a stage can be granted, each a WIT interface of `witline:middleware@0.1.0`. */
export type Capability = 'log' | 'clock' | 'kv' | 'context';

export declare const WIT_PACKAGE: 'witline:middleware';
export declare const WIT_VERSION: '0.1.0';
export declare const INTERFACES: {
  readonly types: 'types';
  readonly config: 'config';
  readonly requestHandler: 'request-handler';
  readonly responseHandler: 'response-handler';
};
export declare const WITLINE_CAPABILITIES: readonly Capability[];
export declare function witName(name: string): string;
export declare function jcoImportName(name: string): string;
export declare const CORE_EXPORTS: {
  readonly configure: string;
  readonly onRequest: string;
  readonly onResponse: string;
};
export declare function postReturn(name: string): string;
export declare const ARENA_SECTION: string;
