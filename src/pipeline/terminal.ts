import { ClientAbortedError, errorResponseOf, HandlerError, NotFoundError, UpstreamError, UpstreamTimeoutError, WitlineError } from '../core/errors.js';
import { DEFAULT_MAX_RESPONSE_BYTES, stripHopByHop } from '../core/http.js';
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

/** Options for forwarding to an upstream URL. */
export interface UpstreamOptions {
  /** Time to wait for the upstream's response headers, and between body chunks. Default 30 s. */
  timeoutMs?: number;
  /** Connections kept per upstream origin. Default 128. */
  connections?: number;
  /** Largest upstream response body accepted when it is buffered for a response phase, bytes. Default 16 MiB. */
  maxResponseBytes?: number;
}

export interface TerminalHandle {
  /** `stream`: the caller can write a {@link StreamedResponse} (no stage reads the response body). */
  call(req: WitRequest, ctx: RequestContext, options?: { stream?: boolean }): MaybePromise<OutgoingResponse>;
  close(): Promise<void>;
  describe(): string;
}

const EMPTY = new Uint8Array(0);

function fromHandler(handler: Handler): TerminalHandle {
  const checked = (out: HandlerResponse): WitResponse =>
    checkResponse('handler', { status: out.status, headers: headerList(out.headers), body: bodyBytes(out.body) });
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

function fromUpstream(base: URL, options: UpstreamOptions): TerminalHandle {
  const timeout = options.timeoutMs ?? 30_000;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  // undici is loaded only when a pipeline forwards upstream.
  const pool = import('undici').then(
    ({ Pool }) => new Pool(base.origin, { connections: options.connections ?? 128, headersTimeout: timeout, bodyTimeout: timeout }),
  );
  const prefix = base.pathname.replace(/\/$/, '');
  return {
    async call(req, ctx, options) {
      const headers = stripHopByHop(req.headers).filter(([k]) => k.toLowerCase() !== 'host' && k.toLowerCase() !== 'content-length');
      const incomingHost = req.headers.find(([k]) => k.toLowerCase() === 'host')?.[1];
      const prior = req.headers.filter(([k]) => k.toLowerCase() === 'x-forwarded-for').map(([, v]) => v);
      const forwarded = headers.filter(([k]) => k.toLowerCase() !== 'x-forwarded-for');
      forwarded.push(['x-forwarded-for', [...prior, ctx.remoteAddress].join(', ')]);
      if (incomingHost && !forwarded.some(([k]) => k.toLowerCase() === 'x-forwarded-host')) forwarded.push(['x-forwarded-host', incomingHost]);
      if (!forwarded.some(([k]) => k.toLowerCase() === 'x-forwarded-proto')) forwarded.push(['x-forwarded-proto', 'http']);
      try {
        const res = await (
          await pool
        ).request({
          path: prefix + req.uri,
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
            const head = checkResponse('upstream', { status: res.statusCode, headers: stripHopByHop(out), body: EMPTY });
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
        return checkResponse('upstream', { status: res.statusCode, headers: stripHopByHop(out), body: Buffer.concat(chunks) });
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
export function terminal(handler: Handler | string | URL | undefined, upstream: UpstreamOptions = {}): TerminalHandle {
  if (typeof handler === 'function') return fromHandler(handler);
  if (handler !== undefined) return fromUpstream(new URL(String(handler)), upstream);
  return {
    // Returned, not thrown: the response phases still see it, as they see any answer.
    call: async () => errorResponseOf(new NotFoundError()),
    close: async () => {},
    describe: () => '404',
  };
}
