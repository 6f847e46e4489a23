import type { ServerOptions } from 'node:http';
import { InvalidConfigError } from '../core/errors.js';

/** Options of `Pipeline.listen`: where to listen, and how long a client may take. */
export interface ListenOptions {
  port?: number;
  host?: string;
  /**
   * Time for a client to send the request line and headers, ms; 408 and closed past it.
   * Default 10 s: a browser or a client across the world sends a head in well under a
   * second, and a slowloris client holding a socket open by trickling header bytes is cut
   * off after 10 s (Node's default lets it hold on for 60 s).
   */
  headersTimeout?: number;
  /** Time for a client to send its whole request (head and body), ms; 408 past it. Default 30 s (Node's: 300 s). */
  requestTimeout?: number;
  /** How long an idle keep-alive connection is kept open, ms. Default 5 s, as Node's. */
  keepAliveTimeout?: number;
  /** Most connections open at once; further ones are closed at once. Default: no cap (the process's file limit). */
  maxConnections?: number;
}

export const DEFAULT_LISTEN = { headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 5_000 } as const;

export interface EdgeServerOptions {
  server: ServerOptions;
  maxConnections: number | undefined;
}

function positive(name: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
    throw new InvalidConfigError(`listen: ${name} must be a positive integer (ms), got ${String(v)}`);
  return v;
}

/** Validate `listen()` options into node:http's server options. */
export function edgeServerOptions(options: ListenOptions, maxHeaderSize: number): EdgeServerOptions {
  const headersTimeout = positive('headersTimeout', options.headersTimeout, DEFAULT_LISTEN.headersTimeout);
  const requestTimeout = positive('requestTimeout', options.requestTimeout, Math.max(DEFAULT_LISTEN.requestTimeout, headersTimeout));
  const keepAliveTimeout = positive('keepAliveTimeout', options.keepAliveTimeout, DEFAULT_LISTEN.keepAliveTimeout);
  if (headersTimeout > requestTimeout) {
    throw new InvalidConfigError(`listen: headersTimeout (${headersTimeout}) must not exceed requestTimeout (${requestTimeout})`);
  }
  let maxConnections: number | undefined;
  if (options.maxConnections !== undefined) {
    const m = options.maxConnections;
    if (typeof m !== 'number' || !Number.isInteger(m) || m <= 0)
      throw new InvalidConfigError(`listen: maxConnections must be a positive integer, got ${String(m)}`);
    maxConnections = m;
  }
  return {
    server: {
      maxHeaderSize,
      headersTimeout,
      requestTimeout,
      keepAliveTimeout,
      // Node looks for late requests on this interval (30 s by default, which would let a
      // slow client outlive its timeout by that much): a quarter of the shorter timeout, at most 1 s.
      connectionsCheckingInterval: Math.max(5, Math.min(1_000, Math.floor(headersTimeout / 4))),
    },
    maxConnections,
  };
}
