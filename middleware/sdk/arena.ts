// Memory discipline of a witline guest.
//
// Guests are built with `--runtime stub`: a bump allocator that never frees. Every
// call allocates into an arena (the host's arguments through `cabi_realloc`, the
// guest's own objects, the lowered result) and `post-return` rewinds the arena to
// the mark taken when `configure` finished, so long-lived configuration stays and
// per-request garbage costs nothing to free. Nothing allocated during a request may
// be kept in a global past the call: state that must outlive a call belongs in the
// host key-value store.

// @ts-ignore: decorator
@inline const BLOCK_OVERHEAD: usize = 4;
// @ts-ignore: decorator
@inline const AL_MASK: usize = 15;

// Where the stub runtime starts allocating (mirrors rt/stub.ts).
const heapStart: usize = ((__heap_base + BLOCK_OVERHEAD + AL_MASK) & ~AL_MASK) - BLOCK_OVERHEAD;
let mark: usize = 0;

/** The stub allocator's current bump offset. */
function currentOffset(): usize {
  const p = __alloc(0);
  __free(p); // the last block is discarded: the offset goes back to where it was
  return p - BLOCK_OVERHEAD;
}

/** Keep everything allocated so far (configuration) across later resets. */
export function arenaKeep(): void {
  mark = currentOffset();
}

/** Called on first entry so that top-level initialisation is never rewound. */
export function arenaEnsureMark(): void {
  if (mark == 0) mark = currentOffset();
}

/** Rewind the arena to the mark; called from every `post-return`. */
export function arenaReset(): void {
  __reset();
  // One block spanning [heapStart, mark) puts the bump offset back at the mark;
  // both are 16-byte aligned minus the block header, so the sizes line up exactly.
  if (mark > heapStart) __alloc(mark - heapStart - BLOCK_OVERHEAD);
}

/** Canonical ABI allocator used by the host to pass arguments and return values. */
export function cabi_realloc(oldPtr: usize, oldSize: usize, align: usize, newSize: usize): usize {
  arenaEnsureMark();
  // The stub aligns every block to 16 bytes, more than any Canonical ABI alignment (8).
  if (oldPtr == 0) return __alloc(newSize);
  return __realloc(oldPtr, newSize);
}
