// SHA-256 (FIPS 180-4), HMAC-SHA256 (RFC 2104) and a constant-time comparison,
// for guests that verify signatures (JWTs, webhooks).
//
// Hashers keep their state in arrays they own and never store anything else, so a
// hasher built in `configure` (a keyed HmacSha256, say) may be reused by every
// request: updating it only writes into memory allocated before the arena mark.

// Round constants, in static memory so that hashing allocates nothing per block.
const K: usize = memory.data<u32>([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** Size of a SHA-256 digest in bytes. */
export const SHA256_BYTES: i32 = 32;
/** SHA-256 block size in bytes (the HMAC key block). */
export const SHA256_BLOCK: i32 = 64;

// FIPS 180-4's functions (4.2 to 4.7). Ch and Maj are written with one operation fewer
// than the textbook form.
// @ts-ignore: decorator
@inline function bigSigma0(x: u32): u32 { return rotr<u32>(x, 2) ^ rotr<u32>(x, 13) ^ rotr<u32>(x, 22); }
// @ts-ignore: decorator
@inline function bigSigma1(x: u32): u32 { return rotr<u32>(x, 6) ^ rotr<u32>(x, 11) ^ rotr<u32>(x, 25); }
// @ts-ignore: decorator
@inline function sigma0(x: u32): u32 { return rotr<u32>(x, 7) ^ rotr<u32>(x, 18) ^ (x >>> 3); }
// @ts-ignore: decorator
@inline function sigma1(x: u32): u32 { return rotr<u32>(x, 17) ^ rotr<u32>(x, 19) ^ (x >>> 10); }
// @ts-ignore: decorator
@inline function ch(e: u32, f: u32, g: u32): u32 { return g ^ (e & (f ^ g)); }
// @ts-ignore: decorator
@inline function maj(a: u32, b: u32, c: u32): u32 { return (a & b) | (c & (a | b)); }
/** The big-endian message word at `p + offset`. */
// @ts-ignore: decorator
@inline function word(p: usize, offset: usize): u32 { return bswap<u32>(load<u32>(p + offset)); }

/**
 * Absorb `blocks` 64-byte blocks at `p` into the eight words at `state`.
 *
 * Everything lives in locals, which V8 keeps in registers: the state a..h and the
 * message schedule as a sliding window of 16 words, w0..w15, expanded in place
 * (W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16], with W[t-16] the word it
 * replaces). Sixteen rounds are written out: after eight the roles of a..h are back
 * where they started, and after sixteen so are the window's, so the 64 rounds are
 * that block four times, with no moves between rounds (each round updates d and h of
 * its naming). The constants are read with immediate offsets from K.
 */
function compress(state: usize, p: usize, blocks: i32): void {
  let a = load<u32>(state, 0), b = load<u32>(state, 4), c = load<u32>(state, 8), d = load<u32>(state, 12);
  let e = load<u32>(state, 16), f = load<u32>(state, 20), g = load<u32>(state, 24), h = load<u32>(state, 28);
  for (; blocks > 0; blocks--, p += 64) {
    const a0 = a, b0 = b, c0 = c, d0 = d, e0 = e, f0 = f, g0 = g, h0 = h;
    let w0 = word(p, 0); let w1 = word(p, 4); let w2 = word(p, 8); let w3 = word(p, 12);
    let w4 = word(p, 16); let w5 = word(p, 20); let w6 = word(p, 24); let w7 = word(p, 28);
    let w8 = word(p, 32); let w9 = word(p, 36); let w10 = word(p, 40); let w11 = word(p, 44);
    let w12 = word(p, 48); let w13 = word(p, 52); let w14 = word(p, 56); let w15 = word(p, 60);
    let t: u32;
    for (let k = K; ; k += 64) {
      t = h + bigSigma1(e) + ch(e, f, g) + load<u32>(k, 0) + w0; d += t; h = t + bigSigma0(a) + maj(a, b, c);
      t = g + bigSigma1(d) + ch(d, e, f) + load<u32>(k, 4) + w1; c += t; g = t + bigSigma0(h) + maj(h, a, b);
      t = f + bigSigma1(c) + ch(c, d, e) + load<u32>(k, 8) + w2; b += t; f = t + bigSigma0(g) + maj(g, h, a);
      t = e + bigSigma1(b) + ch(b, c, d) + load<u32>(k, 12) + w3; a += t; e = t + bigSigma0(f) + maj(f, g, h);
      t = d + bigSigma1(a) + ch(a, b, c) + load<u32>(k, 16) + w4; h += t; d = t + bigSigma0(e) + maj(e, f, g);
      t = c + bigSigma1(h) + ch(h, a, b) + load<u32>(k, 20) + w5; g += t; c = t + bigSigma0(d) + maj(d, e, f);
      t = b + bigSigma1(g) + ch(g, h, a) + load<u32>(k, 24) + w6; f += t; b = t + bigSigma0(c) + maj(c, d, e);
      t = a + bigSigma1(f) + ch(f, g, h) + load<u32>(k, 28) + w7; e += t; a = t + bigSigma0(b) + maj(b, c, d);
      t = h + bigSigma1(e) + ch(e, f, g) + load<u32>(k, 32) + w8; d += t; h = t + bigSigma0(a) + maj(a, b, c);
      t = g + bigSigma1(d) + ch(d, e, f) + load<u32>(k, 36) + w9; c += t; g = t + bigSigma0(h) + maj(h, a, b);
      t = f + bigSigma1(c) + ch(c, d, e) + load<u32>(k, 40) + w10; b += t; f = t + bigSigma0(g) + maj(g, h, a);
      t = e + bigSigma1(b) + ch(b, c, d) + load<u32>(k, 44) + w11; a += t; e = t + bigSigma0(f) + maj(f, g, h);
      t = d + bigSigma1(a) + ch(a, b, c) + load<u32>(k, 48) + w12; h += t; d = t + bigSigma0(e) + maj(e, f, g);
      t = c + bigSigma1(h) + ch(h, a, b) + load<u32>(k, 52) + w13; g += t; c = t + bigSigma0(d) + maj(d, e, f);
      t = b + bigSigma1(g) + ch(g, h, a) + load<u32>(k, 56) + w14; f += t; b = t + bigSigma0(c) + maj(c, d, e);
      t = a + bigSigma1(f) + ch(f, g, h) + load<u32>(k, 60) + w15; e += t; a = t + bigSigma0(b) + maj(b, c, d);
      if (k == K + 192) break;
      w0 += sigma0(w1) + w9 + sigma1(w14);
      w1 += sigma0(w2) + w10 + sigma1(w15);
      w2 += sigma0(w3) + w11 + sigma1(w0);
      w3 += sigma0(w4) + w12 + sigma1(w1);
      w4 += sigma0(w5) + w13 + sigma1(w2);
      w5 += sigma0(w6) + w14 + sigma1(w3);
      w6 += sigma0(w7) + w15 + sigma1(w4);
      w7 += sigma0(w8) + w0 + sigma1(w5);
      w8 += sigma0(w9) + w1 + sigma1(w6);
      w9 += sigma0(w10) + w2 + sigma1(w7);
      w10 += sigma0(w11) + w3 + sigma1(w8);
      w11 += sigma0(w12) + w4 + sigma1(w9);
      w12 += sigma0(w13) + w5 + sigma1(w10);
      w13 += sigma0(w14) + w6 + sigma1(w11);
      w14 += sigma0(w15) + w7 + sigma1(w12);
      w15 += sigma0(w0) + w8 + sigma1(w13);
    }
    a += a0; b += b0; c += c0; d += d0; e += e0; f += f0; g += g0; h += h0;
  }
  store<u32>(state, a, 0); store<u32>(state, b, 4); store<u32>(state, c, 8); store<u32>(state, d, 12);
  store<u32>(state, e, 16); store<u32>(state, f, 20); store<u32>(state, g, 24); store<u32>(state, h, 28);
}

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
