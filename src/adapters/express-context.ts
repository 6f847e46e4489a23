import type { IncomingMessage, ServerResponse } from 'node:http';
import { ClientAbortedError } from '../core/errors.js';
import type { RequestContext } from '../core/types.js';

/**
 * The context of a request that came in through Express. Both of its facts cost work
 * most requests never need, so each is made when first asked for:
 * - `remoteAddress` is Express's `req.ip` (the socket's address, or the client's behind a
 *   trusted proxy), which parses `x-forwarded-for` every time it is read; guests that do
 *   not ask for the address (the `context` capability) never pay for it.
 * - `signal` (aborted when the client goes away before its answer) is an AbortController
 *   plus a `close` listener; only a pooled stage or an upstream asks for it.
 */
export class ExpressContext implements RequestContext {
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  #address: string | undefined;
  #aborter: AbortController | undefined;

  constructor(req: IncomingMessage, res: ServerResponse) {
    this.#req = req;
    this.#res = res;
  }

  get remoteAddress(): string {
    return (this.#address ??= (this.#req as { ip?: string }).ip ?? this.#req.socket.remoteAddress ?? '');
  }

  /**
   * Settle the address before the request's fields are replaced by what the stages passed
   * on: `req.ip` read afterwards would see their `x-forwarded-for`, not the client's.
   */
  pinAddress(): void {
    void this.remoteAddress;
  }

  get signal(): AbortSignal {
    if (this.#aborter) return this.#aborter.signal;
    const aborter = (this.#aborter = new AbortController());
    const res = this.#res;
    const gone = () => !res.writableFinished && aborter.abort(new ClientAbortedError());
    // Asked for after the client left: aborted from the start.
    if (res.destroyed) gone();
    else res.once('close', gone);
    return aborter.signal;
  }
}
