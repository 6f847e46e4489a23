import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '../core/types.js';

/**
 * The context of a request that came in on a socket. Its abort signal (the client went
 * away before its answer) is made only when something asks for it: a pooled stage or an
 * upstream, which can stop work for a client that is gone. Most requests never ask, and
 * an AbortController plus a `close` listener per request is a measurable share of a
 * request's CPU time.
 */
export class EdgeContext implements RequestContext {
  readonly remoteAddress: string;
  readonly #res: ServerResponse;
  #aborter: AbortController | undefined;

  constructor(req: IncomingMessage, res: ServerResponse) {
    this.remoteAddress = req.socket.remoteAddress ?? '';
    this.#res = res;
  }

  get signal(): AbortSignal {
    if (this.#aborter) return this.#aborter.signal;
    const aborter = (this.#aborter = new AbortController());
    const res = this.#res;
    const gone = () => !res.writableFinished && aborter.abort(new Error('client disconnected'));
    // Asked for after the client left: aborted from the start.
    if (res.destroyed) gone();
    else res.once('close', gone);
    return aborter.signal;
  }
}
