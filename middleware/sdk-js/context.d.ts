/// <reference path="./wit.d.ts" />
/** The client's address as the host's socket sees it (capability 'context'). */
export function remoteAddress(): string;
