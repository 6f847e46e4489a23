import type { RequestContext } from '../core/types.js';
import { Deadline } from './deadline.js';

/**
 * The per-call host state: which request the guest being called is handling. It is the
 * only owner of that state (the model is Extism's `CallContext`, begun and ended around
 * each plugin call): whoever calls into a guest enters it right before the synchronous
 * call and leaves right after, so between calls (across awaits, where other requests
 * run) it holds nothing. Capabilities read it while a call runs.
 *
 * A guest called for no request (while it is instantiated and configured, or replaced
 * after a trap) sees an empty address, as for a client whose address the socket did not
 * know, rather than a trap: `remote-address` has no error case in the WIT, and a trap in
 * `configure` would make a guest that reads it there unloadable.
 */
export class CallContext {
  #current: RequestContext | undefined;

  /**
   * Begin a call for `ctx` (undefined: for no request). Returns what was current, for
   * {@link leave}: a call made inside another (a replacement instance configured while
   * the failed call unwinds) gives the outer one its context back.
   */
  enter(ctx: RequestContext | undefined): RequestContext | undefined {
    const outer = this.#current;
    this.#current = ctx;
    return outer;
  }

  /** The request being called for now (what {@link enter} would return). */
  get current(): RequestContext | undefined {
    return this.#current;
  }

  /** End the call: restore what {@link enter} returned (nothing, for a top-level call). */
  leave(outer: RequestContext | undefined = undefined): void {
    this.#current = outer;
  }

  /**
   * The deadline of the guest call running on this thread (fuel's interrupt reads it). Kept
   * apart from the request: inside a fused run each stage has its own deadline while the
   * request stays the same, and instantiation has one with no request.
   */
  readonly deadline = new Deadline();

  /** The client address of the request being called for; empty when there is none. */
  get remoteAddress(): string {
    return this.#current?.remoteAddress ?? '';
  }
}
