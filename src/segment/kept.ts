import type { Guest, Resident } from '../component/guest.js';
import { HostMemory } from '../abi/host-memory.js';
import { keepImage } from '../abi/image.js';
import { REQUEST_FLAT } from '../abi/layout.js';
import type { AbiMemory, GuestMemory } from '../abi/memory.js';
import type { WitRequest } from '../core/types.js';
import { enterHostCall, leaveHostCall } from '../host/deadline.js';
import type { FusedState, Held } from './fused.js';

/**
 * How a fused stage's request is kept for its response phase, which receives the request
 * the stage received:
 *
 * - **resident**: left where it was lowered, in the stage's own memory. For an arena guest
 *   (the request phase's post-return would rewind the arena over it: it is not called; the
 *   response phase's rewinds both calls' allocations) in a request frame (segment/frame.ts),
 *   where the course normally runs to its end before anything else enters the guest. No
 *   copy at all. If anything does enter the guest first (the handler went async and the
 *   next request arrived, a handler calling the pipeline again, a replaced generation's
 *   per-hop segment), that call moves the requests out before it touches the guest
 *   (`Guest.resident`, {@link evacuate}): as an image, or piece by piece.
 * - **image** (abi/image.ts) of the block it was lowered into, or of a piece-by-piece copy
 *   in host memory; restored with one allocation and one copy.
 * - **snap**: a record in host memory, copied back piece by piece.
 * - **js**: the JS request the segment received, lowered again.
 */
export type Seen = { js: WitRequest } | { snap: number } | { image: number } | { resident: GuestMemory; flat: ArrayLike<number> };

/**
 * A kept request as one number, for a worker's task messages (the host memory travels
 * with them): -1 none, a record's pointer as it is, an image's pointer p as -2 - p.
 */
export function seenToWire(seen: Seen | undefined): number {
  if (!seen) return -1;
  if ('snap' in seen) return seen.snap;
  if ('image' in seen) return -2 - seen.image;
  throw new TypeError('a request kept as a JS value or in a guest cannot travel');
}

/** The inverse of {@link seenToWire}. */
export function seenFromWire(n: number): Seen | undefined {
  return n === -1 ? undefined : n >= 0 ? { snap: n } : { image: -2 - n };
}

// Snapshot buffers of answered requests, reused on this thread: a fresh one per request is measurable.
const spare: HostMemory[] = [];

/** The state's host memory for kept requests, made (or reused) when first needed. */
export function snapshotOf(state: FusedState): HostMemory {
  return (state.snap ??= spare.pop() ?? new HostMemory());
}

/** After a completed response phase, the state's host memory serves another request. */
export function recycle(state: FusedState): void {
  const snap = state.snap;
  if (snap === undefined) return;
  state.snap = undefined;
  if (spare.length < 64) {
    snap.reset();
    spare.push(snap);
  }
}

// Flat values of a request kept piece by piece, apart from any guest's arguments.
const scratch = new Int32Array(REQUEST_FLAT);

/**
 * What guest `g` receives from `from` (or `js`), kept in host memory for its response
 * phase. For an arena guest, as an image: of its own copy once it has one (`entered`: the
 * block holds only its own memory), else of a piece-by-piece copy in host memory (compact,
 * gaps zeroed). Never an image of another guest's memory: the bytes between the pieces of
 * its output are its own, which no other guest may see. Else piece by piece.
 */
export function seen(state: FusedState, g: Guest, from: Held | undefined, js: WitRequest | undefined, entered: boolean): Seen {
  if (!from) return { js: js! };
  if (from.mem === state.snap) return { snap: from.rec };
  const snap = snapshotOf(state);
  const packs = g.core!.mem.packs;
  if (packs && entered) {
    const image = keepImage(snap, g.core!.mem, g.args, 0);
    if (image !== 0) return { image };
  }
  if (packs) snap.align(8); // the image's block starts at its first piece: nothing before it
  const rec = snap.takeRequest(from.mem, from.rec, scratch);
  if (packs) {
    const image = keepImage(snap, snap, scratch, 0);
    if (image !== 0) return { image };
  }
  return { snap: rec };
}

/**
 * The request just lowered into `g` (its arguments) stays there for `state`'s response
 * phase, and so do its flat values, in `g.args`: whatever else would call `g` first (and
 * overwrite them) moves `g`'s resident request out before it does (`Guest.resident`).
 */
export function stay(state: FusedState & Resident, g: Guest): Seen {
  g.resident = state;
  return { resident: g.core!.mem, flat: g.args };
}

/**
 * Move `state`'s resident requests out of their guests into its host memory, before
 * anything else enters those guests. Host code only (no guest is called): run as a host
 * call, which the watchdog never stops halfway. An image of a guest's own memory is
 * restored only into that guest: the isolation rule of abi/image.ts holds.
 */
export function evacuate(state: FusedState): void {
  const mine = enterHostCall();
  try {
    for (const entry of state.entered) {
      const kept = entry.seen;
      if (kept === undefined || !('resident' in kept)) continue;
      const snap = snapshotOf(state);
      const mem: AbiMemory = kept.resident;
      const image = keepImage(snap, mem, kept.flat, 0);
      entry.seen = image !== 0 ? { image } : { snap: snap.takeFlat(mem, kept.flat, scratch) };
      if (entry.guest.resident === state) entry.guest.resident = undefined;
    }
  } finally {
    leaveHostCall(mine);
  }
}

/** A request's state through a fused segment on the main thread, where its requests may stay resident. */
export class Course implements FusedState, Resident {
  readonly entered: FusedState['entered'] = [];
  snap: HostMemory | undefined = undefined;
  running: Guest | undefined = undefined;
  from: Held | undefined = undefined;

  constructor(readonly trace: FusedState['trace']) {}

  evacuate(): void {
    evacuate(this);
  }
}
