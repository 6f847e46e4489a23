/// <reference path="./wit.d.ts" />
/** Log through the host's logger (capability 'log'). */
export function log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
