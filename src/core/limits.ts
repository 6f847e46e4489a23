import { BodyTooLargeError, HeadersTooLargeError, InvalidConfigError, UrlTooLongError } from './errors.js';
import type { HeaderList } from './types.js';

/**
 * Size limits. The request ones are enforced the same way on sockets and in `inject()`; the
 * response ones bound the head a stage, handler or upstream may hand to the client.
 */
export interface Limits {
  /** Largest request body, bytes: 413 past it. Default 1 MiB. */
  maxBodyBytes: number;
  /** Largest request line plus headers, bytes: 431 past it. Default 16 KiB. */
  maxHeaderBytes: number;
  /** Most header fields: 431 past it. Default 100. */
  maxHeaderCount: number;
  /** Longest request target, bytes: 414 past it. Default 8 KiB. */
  maxUrlLength: number;
  /** Most header fields in a response: 502 past it. Default 100. */
  maxResponseHeaderCount: number;
  /**
   * Largest response head (status line plus headers), bytes: 502 past it. Default 16 KiB, what
   * Node's and undici's HTTP clients accept by default (a larger head fails in the client anyway).
   */
  maxResponseHeaderBytes: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxBodyBytes: 1024 * 1024,
  maxHeaderBytes: 16 * 1024,
  maxHeaderCount: 100,
  maxUrlLength: 8 * 1024,
  maxResponseHeaderCount: 100,
  maxResponseHeaderBytes: 16 * 1024,
};

/** The limits that bound a response head. */
export type ResponseLimits = Pick<Limits, 'maxResponseHeaderCount' | 'maxResponseHeaderBytes'>;

export function resolveLimits(partial?: Partial<Limits>): Limits {
  const limits = { ...DEFAULT_LIMITS, ...partial };
  for (const [k, v] of Object.entries(limits)) {
    if (!Number.isInteger(v) || v <= 0) throw new InvalidConfigError(`limits.${k} must be a positive integer, got ${v}`);
  }
  return limits;
}

/** Check the request line and headers; the body is checked as it arrives. */
export function checkHead(method: string, uri: string, headers: HeaderList, limits: Limits): void {
  if (Buffer.byteLength(uri) > limits.maxUrlLength) throw new UrlTooLongError(limits.maxUrlLength);
  if (headers.length > limits.maxHeaderCount) throw new HeadersTooLargeError(limits.maxHeaderBytes);
  // As HTTP/1.1 puts them on the wire: "METHOD uri HTTP/1.1\r\n" and "name: value\r\n" each.
  let size = method.length + Buffer.byteLength(uri) + 11;
  for (const [k, v] of headers) size += Buffer.byteLength(k) + Buffer.byteLength(v) + 4;
  if (size > limits.maxHeaderBytes) throw new HeadersTooLargeError(limits.maxHeaderBytes);
}

/** Checked as the body arrives (or, when declared, before it does). */
export function checkBodySize(size: number, limits: Limits): void {
  if (size > limits.maxBodyBytes) throw new BodyTooLargeError(limits.maxBodyBytes);
}

/**
 * Whether an error is a request-size limit's. Adapters answer these themselves, exactly as
 * witline's edge does, instead of handing them to the host framework.
 */
export function isLimitError(err: unknown): err is BodyTooLargeError | UrlTooLongError | HeadersTooLargeError {
  return err instanceof BodyTooLargeError || err instanceof UrlTooLongError || err instanceof HeadersTooLargeError;
}
