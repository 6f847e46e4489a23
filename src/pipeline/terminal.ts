import { ClientAbortedError, errorResponseOf, HandlerError, NotFoundError, UpstreamError, UpstreamTimeoutError, WitlineError } from '../core/errors.js';
import { DEFAULT_MAX_RESPONSE_BYTES, isAbsoluteForm, stripHopByHop } from '../core/http.js';
import { DEFAULT_LIMITS, type ResponseLimits } from '../core/limits.js';
import {
  bodyBytes,
  headerList,
  type Handler,
  type HeaderList,
  isPromise,
  type MaybePromise,
  type HandlerResponse,
  type OutgoingResponse,
  type RequestContext,
  type StreamedResponse,
  type WitRequest,
  type WitResponse,
} from '../core/types.js';
import { checkResponse } from '../core/validate.js';
import { pathAndQuery } from '../core/target.js';
import { forwardedHeaders, trustProxy, type TrustProxy } from './forwarded.js';

/** Options for forwarding to an upstream URL. */
export interface UpstreamOptions {
  /** Time to wait for the upstream's response headers, and between body chunks. Default 30 s. */
  timeoutMs?: number;
  /** Connections kept per upstream origin. Default 128. */
  connections?: number;
  /** Largest upstream response body accepted when it is buffered for a response phase, bytes. Default 16 MiB. */
  maxResponseBytes?: number;
  /**
   * Whom to believe about `X-Forwarded-For/-Host/-Proto` and `Forwarded`, as Express's and
   * Fastify's `trustProxy`. `false` (default): the client's are dropped and witline's own
   * set (`for` the socket's address, `host` the request's Host, `proto` http). `true`, or
   * the client's address in a list of addresses and CIDRs (`['10.0.0.0/8', '::1']`):
   * the client is a proxy, its `X-Forwarded-For` is appended to and its `-Host`/`-Proto` kept.
   */
  trustProxy?: TrustProxy;
}

export interface TerminalHandle {
  /** `stream`: the caller can write a {@link StreamedResponse} (no stage reads the response body). */
  call(req: WitRequest, ctx: RequestContext, options?: { stream?: boolean }): MaybePromise<OutgoingResponse>;
  close(): Promise<void>;
  describe(): string;
}

const EMPTY = new Uint8Array(0);

function fromHandler(handler: Handler, limits: ResponseLimits): TerminalHandle {
  const checked = (out: HandlerResponse): WitResponse =>
    checkResponse('handler', { status: out.status, headers: headerList(out.headers), body: bodyBytes(out.body) }, limits);
  const failed = (err: unknown): never => {
    if (err instanceof WitlineError) throw err;
    throw new HandlerError({ cause: err });
  };
  return {
    // A handler that returns a value answers synchronously: no promise for the request.
    call(req, ctx) {
      let out: MaybePromise<HandlerResponse>;
      try {
        out = handler(req, ctx);
      } catch (err) {
        return failed(err);
      }
      return isPromise(out) ? out.then(checked, failed) : checked(out);
    },
    close: async () => {},
    describe: () => 'handler',
  };
}

function fromUpstream(base: URL, options: UpstreamOptions, limits: ResponseLimits): TerminalHandle {
  const trusted = trustProxy(options.trustProxy);
  const timeout = options.timeoutMs ?? 30_000;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  // undici is loaded only when a pipeline forwards upstream.
  const pool = import('undici').then(
    ({ Pool }) => new Pool(base.origin, { connections: options.connections ?? 128, headersTimeout: timeout, bodyTimeout: timeout }),
  );
  const prefix = base.pathname.replace(/\/$/, '');
  return {
    async call(req, ctx, options) {
      const forwarded = forwardedHeaders(req.headers, ctx.remoteAddress, trusted(ctx.remoteAddress));
      try {
        const res = await (
          await pool
        ).request({
          // A stage may have made the target absolute: only its path and query go to this upstream.
          path: prefix + (isAbsoluteForm(req.uri) ? pathAndQuery(req.uri) : req.uri),
          method: req.method as never,
          headers: forwarded.flat(),
          body: req.body ? Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength) : undefined,
          // A client gone while the upstream thinks frees the connection at once.
          signal: ctx.signal,
        });
        const out: HeaderList = [];
        for (const [k, v] of Object.entries(res.headers)) {
          if (v === undefined) continue;
          for (const one of Array.isArray(v) ? v : [v]) out.push([k, one]);
        }
        if (options?.stream) {
          try {
            const head = checkResponse('upstream', { status: res.statusCode, headers: stripHopByHop(out), body: EMPTY }, limits);
            return { ...head, stream: res.body } satisfies StreamedResponse;
          } catch (err) {
            res.body.destroy();
            throw err;
          }
        }
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of res.body) {
          size += chunk.length;
          if (size > maxBytes) {
            res.body.destroy();
            throw new UpstreamError(`upstream response body exceeds ${maxBytes} bytes`);
          }
          chunks.push(chunk);
        }
        return checkResponse('upstream', { status: res.statusCode, headers: stripHopByHop(out), body: Buffer.concat(chunks) }, limits);
      } catch (err) {
        if (err instanceof WitlineError) throw err;
        if (ctx.signal?.aborted) throw new ClientAbortedError();
        const code = (err as { code?: string }).code ?? '';
        if (/TIMEOUT/.test(code)) throw new UpstreamTimeoutError(`upstream ${base.origin} timed out (${code})`, { cause: err });
        throw new UpstreamError(`upstream ${base.origin} failed: ${(err as Error).message}`, { cause: err });
      }
    },
    async close() {
      await (await pool).close();
    },
    describe: () => `upstream ${base.href}`,
  };
}

/** The terminal for a handler function, an upstream URL, or the default 404. */
export function terminal(handler: Handler | string | URL | undefined, upstream: UpstreamOptions = {}, limits: ResponseLimits = DEFAULT_LIMITS): TerminalHandle {
  if (typeof handler === 'function') return fromHandler(handler, limits);
  if (handler !== undefined) return fromUpstream(new URL(String(handler)), upstream, limits);
  return {
    // Returned, not thrown: the response phases still see it, as they see any answer.
    call: async () => errorResponseOf(new NotFoundError()),
    close: async () => {},
    describe: () => '404',
  };
}
