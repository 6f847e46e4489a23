// SHA-256 (FIPS 180-4), HMAC-SHA256 (RFC 2104) and a constant-time comparison,
// for guests that verify signatures (JWTs, webhooks).
//
// Hashers keep their state in arrays they own and never store anything else, so a
// hasher built in `configure` (a keyed HmacSha256, say) may be reused by every
// request: updating it only writes into memory allocated before the arena mark.

import { compress } from "./sha256-compress";

/** Size of a SHA-256 digest in bytes. */
export const SHA256_BYTES: i32 = 32;
/** SHA-256 block size in bytes (the HMAC key block). */
export const SHA256_BLOCK: i32 = 64;

// Ranges are clamped rather than checked: an out-of-range index must not trap a guest.
function clampStart(length: i32, start: i32): i32 {
  return start < 0 ? 0 : start > length ? length : start;
}
function clampEnd(length: i32, end: i32): i32 {
  return end < 0 ? 0 : end > length ? length : end;
}

/** A streaming SHA-256 hasher. `digest()` resets it, so one hasher can be reused. */
export class Sha256 {
  private h: StaticArray<u32> = new StaticArray<u32>(8);
  private block: StaticArray<u8> = new StaticArray<u8>(64);
  private blockLen: i32 = 0;
  private total: u64 = 0;

  constructor() {
    this.reset();
  }

  /** Back to the initial state (nothing hashed). */
  reset(): Sha256 {
    const h = changetype<usize>(this.h);
    store<u32>(h, 0x6a09e667, 0); store<u32>(h, 0xbb67ae85, 4);
    store<u32>(h, 0x3c6ef372, 8); store<u32>(h, 0xa54ff53a, 12);
    store<u32>(h, 0x510e527f, 16); store<u32>(h, 0x9b05688c, 20);
    store<u32>(h, 0x1f83d9ab, 24); store<u32>(h, 0x5be0cd19, 28);
    this.blockLen = 0;
    this.total = 0;
    return this;
  }

  /** Take over `other`'s state (e.g. a precomputed HMAC midstate) without allocating. */
  copyFrom(other: Sha256): Sha256 {
    memory.copy(changetype<usize>(this.h), changetype<usize>(other.h), 32);
    memory.copy(changetype<usize>(this.block), changetype<usize>(other.block), 64);
    this.blockLen = other.blockLen;
    this.total = other.total;
    return this;
  }

  /** Hash `data[start, end)` (clamped to the array), or all of `data`. */
  update(data: Uint8Array, start: i32 = 0, end: i32 = i32.MAX_VALUE): Sha256 {
    const s = clampStart(data.length, start);
    const e = clampEnd(data.length, end);
    if (e > s) this.updateRaw(data.dataStart + <usize>s, e - s);
    return this;
  }

  /** Hash `len` bytes at `ptr`. The caller vouches that they are in bounds. */
  updateRaw(ptr: usize, len: i32): Sha256 {
    if (len <= 0) return this;
    this.total += <u64>len;
    const h = changetype<usize>(this.h);
    const block = changetype<usize>(this.block);
    let i = 0;
    if (this.blockLen > 0) {
      const room = 64 - this.blockLen;
      const take = len < room ? len : room;
      memory.copy(block + <usize>this.blockLen, ptr, <usize>take);
      this.blockLen += take;
      i = take;
      if (this.blockLen < 64) return this;
      compress(h, block, 1);
      this.blockLen = 0;
    }
    // Whole blocks straight from the input, in one call: the state stays in locals.
    const blocks = (len - i) >> 6;
    if (blocks > 0) {
      compress(h, ptr + <usize>i, blocks);
      i += blocks << 6;
    }
    if (i < len) {
      memory.copy(block, ptr + <usize>i, <usize>(len - i));
      this.blockLen = len - i;
    }
    return this;
  }

  /** Finish: write the 32-byte digest at `out` and reset. */
  digestRaw(out: usize): void {
    const h = changetype<usize>(this.h);
    const block = changetype<usize>(this.block);
    const bits = this.total << 3;
    let n = this.blockLen;
    store<u8>(block + <usize>n, 0x80);
    n++;
    if (n > 56) {
      memory.fill(block + <usize>n, 0, <usize>(64 - n));
      compress(h, block, 1);
      n = 0;
    }
    memory.fill(block + <usize>n, 0, <usize>(56 - n));
    store<u64>(block + 56, bswap<u64>(bits));
    compress(h, block, 1);
    for (let i: usize = 0; i < 8; i++) store<u32>(out + (i << 2), bswap<u32>(load<u32>(h + (i << 2))));
    this.reset();
  }

  /** Finish: the 32-byte digest. The hasher is reset afterwards. */
  digest(): Uint8Array {
    const out = new Uint8Array(SHA256_BYTES);
    this.digestRaw(out.dataStart);
    return out;
  }
}

/** SHA-256 of `data[start, end)`, or of all of `data`. */
export function sha256(data: Uint8Array, start: i32 = 0, end: i32 = i32.MAX_VALUE): Uint8Array {
  return new Sha256().update(data, start, end).digest();
}

/**
 * A streaming HMAC-SHA256 bound to one key. The key's inner and outer pad blocks
 * are hashed once, here; every MAC then starts from those midstates. `digest()`
 * (and `mac()`) return it to the keyed initial state, ready for the next message.
 */
export class HmacSha256 {
  private innerStart: Sha256 = new Sha256();
  private outerStart: Sha256 = new Sha256();
  private inner: Sha256 = new Sha256();
  private outer: Sha256 = new Sha256();

  constructor(key: Uint8Array) {
    // RFC 2104: keys longer than the block are hashed first, shorter ones zero-padded.
    const k = key.length > SHA256_BLOCK ? sha256(key) : key;
    const pad = new Uint8Array(SHA256_BLOCK);
    memory.copy(pad.dataStart, k.dataStart, <usize>k.length);
    for (let i = 0; i < SHA256_BLOCK; i++) unchecked(pad[i] ^= 0x36);
    this.innerStart.update(pad);
    for (let i = 0; i < SHA256_BLOCK; i++) unchecked(pad[i] ^= 0x36 ^ 0x5c);
    this.outerStart.update(pad);
    memory.fill(pad.dataStart, 0, SHA256_BLOCK);
    this.reset();
  }

  /** Drop anything hashed since the last digest. */
  reset(): HmacSha256 {
    this.inner.copyFrom(this.innerStart);
    return this;
  }

  /** Add `data[start, end)` (clamped), or all of `data`, to the message. */
  update(data: Uint8Array, start: i32 = 0, end: i32 = i32.MAX_VALUE): HmacSha256 {
    this.inner.update(data, start, end);
    return this;
  }

  /** Add `len` bytes at `ptr` to the message. The caller vouches that they are in bounds. */
  updateRaw(ptr: usize, len: i32): HmacSha256 {
    this.inner.updateRaw(ptr, len);
    return this;
  }

  /** Finish: the 32-byte MAC; the MAC is reset to the keyed initial state. */
  digest(): Uint8Array {
    const out = new Uint8Array(SHA256_BYTES);
    this.inner.digestRaw(out.dataStart);
    this.outer.copyFrom(this.outerStart);
    this.outer.updateRaw(out.dataStart, SHA256_BYTES);
    this.outer.digestRaw(out.dataStart);
    this.reset();
    return out;
  }

  /** The MAC of `data[start, end)` (clamped), or of all of `data`, on its own. */
  mac(data: Uint8Array, start: i32 = 0, end: i32 = i32.MAX_VALUE): Uint8Array {
    return this.reset().update(data, start, end).digest();
  }
}

/** HMAC-SHA256 of `data` under `key`. Build an HmacSha256 once instead when the key is fixed. */
export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  return new HmacSha256(key).update(data).digest();
}

/**
 * Byte equality whose running time depends only on the lengths, never on where
 * the arrays differ: use it for MACs and secrets. Unequal lengths return at once,
 * which reveals only the length (fixed for digests).
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): bool {
  const n = a.length;
  if (n != b.length) return false;
  const pa = a.dataStart, pb = b.dataStart;
  let diff: u32 = 0;
  for (let i = 0; i < n; i++) diff |= <u32>(load<u8>(pa + <usize>i) ^ load<u8>(pb + <usize>i));
  return diff == 0;
}
