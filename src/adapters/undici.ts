import { STATUS_CODES } from 'node:http';
import type { Dispatcher } from 'undici';
import { ClientAbortedError, GuestInvalidOutputError, UpstreamError } from '../core/errors.js';
import { DEFAULT_MAX_RESPONSE_BYTES, HANDED_OFF } from '../core/http.js';
import { isLimitError } from '../core/limits.js';
import { kErrorResponse, kHandle, kHasResponsePhase } from '../pipeline/internal.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { HeaderList, WitRequest, WitResponse } from '../core/types.js';
import { forwardOptions, outgoingRequest } from './undici-request.js';
import { adapterHeaders } from './wire.js';

/** Options of {@link toUndiciInterceptor}. */
export interface UndiciInterceptorOptions {
  /** The client address stages see (the `context` capability; `rateLimit`'s default key). Default `127.0.0.1`. */
  remoteAddress?: string;
  /** Largest response body held for a response phase, bytes; past it the call fails. Default 16 MiB. */
  maxResponseBytes?: number;
}

type Handler = Dispatcher.DispatchHandler;
type Controller = Dispatcher.DispatchController;

/**
 * The one controller the caller's handler sees for the whole call, whether the answer
 * comes from a stage, from the network, or from the network through the stages.
 */
class CallController implements Controller {
  #paused = false;
  #aborted = false;
  #reason: Error | null = null;
  #resumed: (() => void) | undefined;
  rawHeaders: Buffer[] | null = null;
  rawTrailers: Buffer[] | null = null;
  /** The network request's controller, while its response is relayed or collected. */
  downstream: Controller | undefined;
  constructor(private readonly onAbort: (reason: Error) => void) {}
  get aborted() {
    return this.#aborted;
  }
  get paused() {
    return this.#paused;
  }
  get reason() {
    return this.#reason;
  }
  abort(reason?: Error) {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason ?? new ClientAbortedError();
    this.onAbort(this.#reason);
    this.#wake();
  }
  pause() {
    this.#paused = true;
    this.downstream?.pause();
  }
  resume() {
    if (!this.#paused) return;
    this.#paused = false;
    this.downstream?.resume();
    this.#wake();
  }
  whenResumed(): Promise<void> {
    return this.#paused && !this.#aborted ? new Promise((r) => (this.#resumed = r)) : Promise.resolve();
  }
  #wake() {
    const r = this.#resumed;
    this.#resumed = undefined;
    r?.();
  }
}

/** Response headers as pairs: from the raw list when the dispatcher gives one (order, case, bytes). */
function responsePairs(raw: Controller['rawHeaders'], headers: Record<string, string | string[] | undefined>): HeaderList {
  const out: HeaderList = [];
  if (Array.isArray(raw) && raw.length % 2 === 0) {
    for (let i = 0; i < raw.length; i += 2)
      out.push([String(raw[i]), Buffer.isBuffer(raw[i + 1]) ? (raw[i + 1] as Buffer).toString('latin1') : String(raw[i + 1])]);
    return out;
  }
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) for (const one of Array.isArray(v) ? v : [v]) out.push([k, one]);
  return out;
}

/** One outgoing call through the pipeline. */
class OutboundCall {
  #done = false;
  #handedOff = false;
  #downstreamError: Error | undefined;
  readonly #aborter = new AbortController();
  readonly #ctl: CallController;

  constructor(
    private readonly p: Pipeline,
    private readonly dispatch: Dispatcher.Dispatch,
    private readonly opts: Dispatcher.DispatchOptions,
    private readonly handler: Handler,
    private readonly options: UndiciInterceptorOptions,
  ) {
    this.#ctl = new CallController((reason) => {
      this.#aborter.abort(reason);
      this.#ctl.downstream?.abort(reason);
      this.#fail(reason);
    });
  }

  start(): void {
    try {
      this.handler.onRequestStart?.(this.#ctl, {});
    } catch (err) {
      return this.#fail(err);
    }
    if (!this.#ctl.aborted) this.#run().catch((err) => this.#fail(err));
  }

  async #run(): Promise<void> {
    const method = String(this.opts.method ?? 'GET');
    await this.p.ready();
    let req: WitRequest;
    try {
      req = await outgoingRequest(this.opts, this.p.limits);
    } catch (err) {
      // Limits answer as witline's edge does: the request never leaves.
      if (isLimitError(err)) {
        return this.#deliver(this.p[kErrorResponse](err), method);
      }
      throw err;
    }
    const ctx = { remoteAddress: this.options.remoteAddress ?? '127.0.0.1', signal: this.#aborter.signal };
    const resp = await this.p[kHandle](req, ctx, (r) => this.#terminal(r));
    if (this.#handedOff || this.#done) return;
    // The network failed: the caller gets undici's own error, as without the interceptor.
    if (this.#downstreamError) return this.#fail(this.#downstreamError);
    await this.#deliver(resp, method);
  }

  #terminal(req: WitRequest): Promise<WitResponse> {
    if (this.#ctl.aborted) return Promise.reject(new ClientAbortedError());
    const fwd = forwardOptions(this.opts, req);
    if (!this.p[kHasResponsePhase]) {
      // No stage reads the response: relay it as it streams in.
      this.#handedOff = true;
      this.#send(fwd, this.#relay());
      return Promise.resolve(HANDED_OFF);
    }
    return new Promise((resolve, reject) => this.#send(fwd, this.#collector(resolve, reject)));
  }

  #send(fwd: Dispatcher.DispatchOptions, handler: Handler): void {
    try {
      this.dispatch(fwd, handler);
    } catch (err) {
      handler.onResponseError?.(this.#ctl, err as Error);
    }
  }

  #relay(): Handler {
    const h = this.handler;
    return {
      onRequestStart: (c) => this.#link(c),
      onResponseStart: (c, status, headers, message) => {
        if (this.#done) return;
        this.#ctl.rawHeaders = Array.isArray(c.rawHeaders) ? (c.rawHeaders as Buffer[]) : null;
        h.onResponseStart?.(this.#ctl, status, headers, message);
      },
      onResponseData: (_c, chunk) => {
        if (!this.#done) h.onResponseData?.(this.#ctl, chunk);
      },
      onResponseEnd: (_c, trailers) => {
        if (this.#finish()) h.onResponseEnd?.(this.#ctl, trailers);
      },
      onResponseError: (_c, err) => this.#fail(err),
    };
  }

  #collector(resolve: (r: WitResponse) => void, reject: (e: Error) => void): Handler {
    const max = this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    const chunks: Buffer[] = [];
    let size = 0;
    let status = 0;
    let headers: HeaderList = [];
    return {
      onRequestStart: (c) => this.#link(c),
      onResponseStart: (c, code, hdrs) => {
        if (code < 200) return; // informational: the final response follows
        status = code;
        headers = responsePairs(c.rawHeaders, hdrs as Record<string, string | string[] | undefined>);
      },
      onResponseData: (c, chunk) => {
        size += chunk.length;
        if (size > max) c.abort(new UpstreamError(`response body exceeds ${max} bytes`));
        else chunks.push(chunk);
      },
      onResponseEnd: () => {
        this.#ctl.downstream = undefined; // the caller's pauses no longer concern the network
        resolve({ status, headers, body: Buffer.concat(chunks, size) });
      },
      onResponseError: (_c, err) => {
        this.#downstreamError = err;
        reject(new UpstreamError(`outgoing request failed: ${err.message}`, { cause: err }));
      },
    };
  }

  #link(c: Controller): void {
    this.#ctl.downstream = c;
    if (this.#ctl.aborted) c.abort(this.#ctl.reason!);
    else if (this.#ctl.paused) c.pause();
  }

  /** Hand a response witline made (a stage's, a limit's, or one through the response phase) to the caller. */
  async #deliver(resp: WitResponse, method: string): Promise<void> {
    if (this.#done) return;
    let headers: Record<string, string | string[]>;
    // One try around building the head, as on witline's edge: what cannot be built (too
    // large a string, say) becomes a 502 for the caller instead of escaping into undici.
    try {
      headers = this.#head(resp, method);
    } catch (err) {
      resp = this.p[kErrorResponse](new GuestInvalidOutputError('response', `its head cannot be delivered (${(err as Error)?.message ?? err})`));
      headers = this.#head(resp, method);
    }
    this.handler.onResponseStart?.(this.#ctl, resp.status, headers, STATUS_CODES[resp.status] ?? '');
    const hasBody = resp.body.byteLength > 0 && method.toUpperCase() !== 'HEAD';
    if (hasBody && !this.#done) this.handler.onResponseData?.(this.#ctl, Buffer.from(resp.body.buffer, resp.body.byteOffset, resp.body.byteLength));
    await this.#ctl.whenResumed();
    if (this.#finish()) this.handler.onResponseEnd?.(this.#ctl, {});
  }

  /** The headers of a response as undici hands them on, object and raw list (set on the controller). */
  #head(resp: WitResponse, method: string): Record<string, string | string[]> {
    const pairs = adapterHeaders(resp, method);
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of pairs) {
      const l = k.toLowerCase();
      const prev = headers[l];
      headers[l] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    this.#ctl.rawHeaders = pairs.flatMap(([k, v]) => [Buffer.from(k, 'latin1'), Buffer.from(v, 'latin1')]);
    return headers;
  }

  #finish(): boolean {
    if (this.#done) return false;
    this.#done = true;
    return true;
  }

  #fail(err: unknown): void {
    if (!this.#finish()) return;
    this.handler.onResponseError?.(this.#ctl, err instanceof Error ? err : new Error(String(err)));
  }
}

/**
 * An undici interceptor running a pipeline on outgoing requests and their responses:
 * sign or authorise outbound calls, rate-limit them, rewrite them.
 *
 * The request phase sees the request as a server would receive it (method, path with
 * any `query`, the headers plus `host` and `content-length`, and the whole body: strings,
 * bytes and Blobs as they are, iterables and streams read to their end under
 * `limits.maxBodyBytes`; FormData is refused). A stage that answers answers the caller
 * with no network call. Otherwise the request as passed on is dispatched; when some
 * stage has a response phase, the response is collected, run through it and delivered;
 * otherwise it streams to the caller untouched. Limits answer 413/414/431 as on
 * `listen()`; network failures reach the caller as undici's own errors. Upgrades and
 * CONNECT pass by the pipeline.
 *
 * @example
 * ```ts
 * import { Agent, request } from 'undici'
 * import { pipeline } from 'witline'
 * import { toUndiciInterceptor } from 'witline/undici'
 * import { rateLimit, transform } from 'witline/middleware'
 *
 * const p = pipeline([rateLimit({ burst: 5, perSecond: 1 }), transform({ request: { setHeaders: { 'x-api-key': key } } })])
 * const dispatcher = new Agent().compose(toUndiciInterceptor(p))
 * const res = await request('https://api.example.com/items', { dispatcher })
 * ```
 */
export function toUndiciInterceptor(p: Pipeline, options: UndiciInterceptorOptions = {}): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    if (opts.upgrade || opts.method === 'CONNECT') return dispatch(opts, handler);
    new OutboundCall(p, dispatch, opts, handler, options).start();
    return true; // the pipeline queues nothing in undici: never ask the caller to wait for 'drain'
  };
}
