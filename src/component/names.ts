import { ComponentLoadError } from '../core/errors.js';

/**
 * The names a component imports and exports at its top level, read from its binary: the
 * import (id 10) and export (id 11) sections of the component-model binary format
 * (component-model/design/mvp/Binary.md). Every other section, nested components and core
 * modules included, is skipped by its size: the top level is what the host must satisfy,
 * and what it can call. This is the component's real type, not a rendering of it.
 */
export interface ComponentNames {
  /** Imported instances (interfaces), functions, values and components, e.g. `wasi:sockets/tcp@0.2.0`. */
  imports: string[];
  /** Type-only imports (a world-level `record`, say): they grant nothing. */
  typeImports: string[];
  exports: string[];
}

const SECTION_IMPORT = 10;
const SECTION_EXPORT = 11;

class Reader {
  at: number;
  constructor(
    readonly b: Uint8Array,
    at: number,
    readonly end: number,
  ) {
    this.at = at;
  }
  byte(): number {
    if (this.at >= this.end) throw new ComponentLoadError('component binary ends inside a section');
    return this.b[this.at++];
  }
  u32(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.byte();
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
    }
    throw new ComponentLoadError('component binary has an invalid LEB128 integer');
  }
  name(): string {
    const len = this.u32();
    if (this.at + len > this.end) throw new ComponentLoadError('component binary has a name past its section');
    const s = new TextDecoder('utf-8', { fatal: true }).decode(this.b.subarray(this.at, this.at + len));
    this.at += len;
    return s;
  }
  /** `importname'` / `exportname'`: 0x00 name, or 0x01 name plus a version suffix (a name of its own). */
  externName(): string {
    const tag = this.byte();
    const n = this.name();
    if (tag === 0x01) this.name();
    else if (tag !== 0x00) throw new ComponentLoadError(`component binary has an unknown name form 0x${tag.toString(16)}`);
    return n;
  }
  /** `externdesc`; returns its kind byte (0x03: a type). */
  externDesc(): number {
    const kind = this.byte();
    switch (kind) {
      case 0x00: // core module: 0x11 typeidx
        this.byte();
        this.u32();
        break;
      case 0x01: // func
      case 0x04: // component
      case 0x05: // instance
        this.u32();
        break;
      case 0x02: // value: 0x00 valueidx | 0x01 valtype (a primitive byte or a type index)
      case 0x03: // type: 0x00 eq typeidx | 0x01 sub resource
        if (this.byte() === 0x00 || kind === 0x02) this.u32();
        break;
      default:
        throw new ComponentLoadError(`component binary has an unknown extern kind 0x${kind.toString(16)}`);
    }
    return kind;
  }
}

/** Read the top-level import and export names of a component binary (preamble already checked by `readComponent`). */
export function componentNames(bytes: Uint8Array): ComponentNames {
  const out: ComponentNames = { imports: [], typeImports: [], exports: [] };
  const r = new Reader(bytes, 8, bytes.byteLength);
  while (r.at < bytes.byteLength) {
    const id = r.byte();
    const size = r.u32();
    const end = r.at + size;
    if (end > bytes.byteLength) throw new ComponentLoadError('component binary has a section past its end');
    if (id === SECTION_IMPORT || id === SECTION_EXPORT) {
      const s = new Reader(bytes, r.at, end);
      for (let n = s.u32(); n > 0; n--) {
        const name = s.externName();
        if (id === SECTION_IMPORT) (s.externDesc() === 0x03 ? out.typeImports : out.imports).push(name);
        else {
          if (s.byte() === 0x00) s.byte(); // the sort: a core sort is two bytes
          s.u32(); // index
          if (s.byte() === 0x01) s.externDesc(); // an optional ascribed type
          out.exports.push(name);
        }
      }
    }
    r.at = end;
  }
  return out;
}
