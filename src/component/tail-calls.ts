/**
 * Whether a core module makes tail calls (`return_call`, `return_call_indirect`,
 * `return_call_ref`), found by decoding its code section instruction by instruction.
 *
 * Why: V8 in Node 26 does not check for interrupts on a tail call, so a guest recursing by
 * tail call forever cannot be stopped by the watchdog (TerminateExecution never lands;
 * measured: Node 20 stops it, Node 26 hangs). Such a stage gets fuel instead, which charges
 * the entries of functions in a call cycle (fuel-plan.ts). An instruction this decoder does
 * not know (GC, an opcode added later) answers `undefined`: the caller then assumes tail
 * calls, the safe side.
 */

class Reader {
  at: number;
  constructor(
    readonly b: Uint8Array,
    at: number,
  ) {
    this.at = at;
  }
  byte(): number {
    if (this.at >= this.b.length) throw new RangeError('truncated');
    return this.b[this.at++];
  }
  /** Any LEB128 (unsigned or signed): skipped, or read as a number when small. */
  leb(): number {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = this.byte();
      if (shift < 35) value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(byte & 0x80)) return value;
    }
  }
  skip(n: number): void {
    this.at += n;
  }
}

const NONE = 0;
const U32 = 1;
const U32X2 = 2;
const MEMARG = 3;
const BLOCK = 4;
const TAIL = 5;

/** Immediates of the one-byte opcodes (undefined: unknown, or handled apart). */
const ONE_BYTE: Array<number | undefined> = [];
const set = (kind: number, ...ops: number[]) => ops.forEach((op) => (ONE_BYTE[op] = kind));
set(NONE, 0x00, 0x01, 0x05, 0x0a, 0x0b, 0x0f, 0x19, 0x1a, 0x1b, 0xd1, 0xd3, 0xd4);
set(BLOCK, 0x02, 0x03, 0x04, 0x06);
set(U32, 0x07, 0x08, 0x09, 0x0c, 0x0d, 0x10, 0x14, 0x18, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x3f, 0x40, 0xd2, 0xd5, 0xd6);
set(U32X2, 0x11);
set(TAIL, 0x12, 0x13, 0x15);
for (let op = 0x28; op <= 0x3e; op++) ONE_BYTE[op] = MEMARG;
for (let op = 0x45; op <= 0xc4; op++) ONE_BYTE[op] = NONE;

function memarg(r: Reader): void {
  const align = r.leb();
  if (align & 0x40) r.leb(); // a memory index (multi-memory)
  r.leb();
}

function valtype(r: Reader): void {
  const t = r.byte();
  if (t === 0x63 || t === 0x64) r.leb(); // (ref null? heaptype)
}

/** One instruction; true for a tail call, undefined for one this does not know. */
function instruction(r: Reader): boolean | undefined {
  const op = r.byte();
  const kind = ONE_BYTE[op];
  switch (kind) {
    case NONE:
      return false;
    case U32:
      r.leb();
      return false;
    case U32X2:
      r.leb();
      r.leb();
      return false;
    case MEMARG:
      memarg(r);
      return false;
    case BLOCK: {
      const t = r.b[r.at];
      if (t === 0x63 || t === 0x64) valtype(r);
      else r.leb(); // 0x40, a value type (one byte), or a type index (s33)
      return false;
    }
    case TAIL:
      return true;
  }
  switch (op) {
    case 0x0e: // br_table
      for (let n = r.leb(); n >= 0; n--) r.leb();
      return false;
    case 0x1c: // select t*
      for (let n = r.leb(); n > 0; n--) valtype(r);
      return false;
    case 0x1f: // try_table
      if (r.b[r.at] === 0x63 || r.b[r.at] === 0x64) valtype(r);
      else r.leb();
      for (let n = r.leb(); n > 0; n--) {
        const clause = r.byte();
        if (clause === 0x00 || clause === 0x01) r.leb();
        r.leb();
      }
      return false;
    case 0x41:
    case 0x42:
      r.leb();
      return false;
    case 0x43:
      r.skip(4);
      return false;
    case 0x44:
      r.skip(8);
      return false;
    case 0xd0: // ref.null heaptype
      r.leb();
      return false;
    case 0xfc:
      return prefixedFC(r);
    case 0xfd:
      return prefixedSimd(r);
    case 0xfe:
      return prefixedAtomic(r);
  }
  return undefined;
}

function prefixedFC(r: Reader): boolean | undefined {
  const sub = r.leb();
  if (sub <= 7) return false; // saturating truncations
  if (sub === 8 || sub === 10 || sub === 12 || sub === 14) {
    r.leb();
    r.leb();
    return false;
  }
  if (sub === 9 || sub === 11 || sub === 13 || sub === 15 || sub === 16 || sub === 17) {
    r.leb();
    return false;
  }
  return undefined;
}

function prefixedSimd(r: Reader): boolean | undefined {
  const sub = r.leb();
  if (sub <= 11 || sub === 92 || sub === 93) memarg(r);
  else if (sub === 12 || sub === 13) r.skip(16);
  else if (sub >= 21 && sub <= 34) r.skip(1);
  else if (sub >= 84 && sub <= 91) {
    memarg(r);
    r.skip(1);
  } else if (sub > 0x113) return undefined;
  return false;
}

function prefixedAtomic(r: Reader): boolean | undefined {
  const sub = r.leb();
  if (sub === 0x03)
    r.skip(1); // atomic.fence
  else if (sub <= 0x02 || (sub >= 0x10 && sub <= 0x4e)) memarg(r);
  else return undefined;
  return false;
}

/** True if the module makes a tail call, false if it makes none, undefined if it cannot tell. */
export function usesTailCalls(bytes: Uint8Array): boolean | undefined {
  try {
    let at = 8;
    while (at < bytes.length) {
      const id = bytes[at];
      const head = new Reader(bytes, at + 1);
      const size = head.leb();
      const end = head.at + size;
      if (id === 10) {
        const r = new Reader(bytes, head.at);
        for (let n = r.leb(); n > 0; n--) {
          const bodyEnd = r.leb() + r.at;
          for (let locals = r.leb(); locals > 0; locals--) {
            r.leb();
            valtype(r);
          }
          while (r.at < bodyEnd) {
            const found = instruction(r);
            if (found !== false) return found;
          }
          if (r.at !== bodyEnd) return undefined;
        }
        return false;
      }
      at = end;
    }
    return false;
  } catch {
    return undefined;
  }
}
