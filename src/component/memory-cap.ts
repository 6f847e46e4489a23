import { ComponentLoadError } from '../core/errors.js';

/**
 * The memory cap as a byte-level edit of a core module: the limits of each memory the module
 * defines (its memory section) get a maximum of `maxBytes` (rounded down to 64 KiB pages),
 * so `memory.grow` past it returns -1; nothing else in the module changes, byte for byte.
 * Memories a module imports are defined by another core module of the same component (jco
 * wires them so), which is edited too. A module whose own memory starts above the cap is
 * refused. No binaryen: under the default deadline (the watchdog), this is the whole rewrite,
 * so a cold start neither loads binaryen (~250 MiB of RSS, kept) nor re-encodes the code.
 */

const PAGE = 65536;
const MEMORY_SECTION = 5;

function readU32(b: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    if (at >= b.length) throw new RangeError('truncated LEB128');
    const byte = b[at++];
    value += (byte & 0x7f) * 2 ** shift;
    if (!(byte & 0x80)) return [value, at];
    shift += 7;
    if (shift > 35) throw new RangeError('LEB128 too long for u32');
  }
}

function writeU32(value: number, out: number[]): void {
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
}

/** The module with its defined memories capped at `maxBytes`; the same bytes when it defines none. */
export function capMemories(bytes: Uint8Array, maxBytes: number, name: string): Uint8Array {
  const cap = Math.floor(maxBytes / PAGE);
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new ComponentLoadError(`${name}: not a core WebAssembly module`);
  }
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, start] = readU32(bytes, at + 1);
    const end = start + size;
    if (id !== MEMORY_SECTION) {
      at = end;
      continue;
    }
    const body: number[] = [];
    let [count, p] = readU32(bytes, start);
    writeU32(count, body);
    for (; count > 0; count--) {
      const flags = bytes[p++];
      // 0x04 and up: memory64 (page counts as u64); witline's guests are 32-bit.
      if (flags > 0x03) throw new ComponentLoadError(`${name}: a memory with limits flags 0x${flags.toString(16)} (memory64?) cannot be capped`);
      let initial: number;
      let max: number | undefined;
      [initial, p] = readU32(bytes, p);
      if (flags & 0x01) [max, p] = readU32(bytes, p);
      if (initial > cap) throw new ComponentLoadError(`${name}: its memory starts at ${initial * PAGE} bytes, above maxMemoryBytes (${maxBytes})`);
      body.push(flags | 0x01); // has a maximum now; the shared bit (0x02) stays
      writeU32(initial, body);
      writeU32(max === undefined ? cap : Math.min(max, cap), body);
    }
    if (p !== end) throw new ComponentLoadError(`${name}: a malformed memory section`);
    const header: number[] = [MEMORY_SECTION];
    writeU32(body.length, header);
    const out = new Uint8Array(at + header.length + body.length + (bytes.length - end));
    out.set(bytes.subarray(0, at), 0);
    out.set(header, at);
    out.set(body, at + header.length);
    out.set(bytes.subarray(end), at + header.length + body.length);
    return out; // one memory section per module
  }
  return bytes;
}
