/// <reference path="./wit.d.ts" />
/** Milliseconds since the Unix epoch from the host clock, which tests may inject (capability 'clock'). */
export function nowMs(): number;
