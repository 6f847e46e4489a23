import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ComponentSource } from '../core/stage.js';
import { ComponentLoadError } from '../core/errors.js';

const COMPONENT_LAYER = 0x01; // the `layer` field of a component binary's preamble

/** The bytes of a component from a path, a `file:`/`http(s):` URL or bytes; checks the preamble. */
export async function readComponent(source: ComponentSource): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    if (source instanceof Uint8Array) bytes = source;
    else if (source instanceof URL && source.protocol !== 'file:') {
      const res = await fetch(source);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      bytes = new Uint8Array(await res.arrayBuffer());
    } else {
      bytes = await readFile(source instanceof URL ? fileURLToPath(source) : source);
    }
  } catch (err) {
    throw new ComponentLoadError(`cannot read component ${String(source)}: ${(err as Error).message}`, { cause: err });
  }
  const magic = bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d;
  if (!magic) throw new ComponentLoadError(`${String(source)} is not a WebAssembly binary`);
  if (bytes[6] !== COMPONENT_LAYER) {
    throw new ComponentLoadError(`${String(source)} is a core module, not a component (wrap it with \`jco new\`)`);
  }
  return bytes;
}
