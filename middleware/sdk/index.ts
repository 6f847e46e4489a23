// The witline guest SDK for AssemblyScript: import what a middleware needs from here.
export { Action, Config, HeaderName, Headers, Request, Response, equalsIgnoreCase, fromUtf8, utf8 } from "./http";
export { Level, kv, log, logDebug, logError, logInfo, logWarn, nowMs, remoteAddress } from "./host";
