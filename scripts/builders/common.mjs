// What every middleware builder shares: where things go, the WIT, and how a core module
// becomes a component (embed the WIT world as source text, since jco's WASI shim has no
// preopened directories, then wrap it with jco's wasm-tools API).
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { componentEmbed, componentNew } from '@bytecodealliance/jco';
import { WITLINE_CAPABILITIES, witName } from '../../src/core/wit-names.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const outDir = join(root, 'build', 'middleware');
export const glueDir = join(root, 'build', 'glue');
// The WIT names (interfaces, core export names): src/core/wit-names.mjs, shared with the host.
export { ARENA_SECTION, CORE_EXPORTS, postReturn } from '../../src/core/wit-names.mjs';
export const WIT_NAMES = join(root, 'src', 'core', 'wit-names.mjs');
export const CAPABILITIES = WITLINE_CAPABILITIES;

export async function witSource() {
  return readFile(join(root, 'wit', 'middleware.wit'), 'utf8');
}

/** Which world a middleware targets follows from the phases it exports. */
export function worldFor(has) {
  if (has.onRequest && has.onResponse) return 'middleware';
  if (has.onRequest) return 'request-middleware';
  if (has.onResponse) return 'response-middleware';
  throw new Error('a middleware must export onRequest and/or onResponse');
}

/**
 * `core` with a custom section `name` holding `payload` appended: a custom section may come
 * anywhere in a module, so nothing else is rewritten (the code stays byte for byte the compiler's).
 */
export function withCustomSection(core, name, payload) {
  const leb = (n) => {
    const out = [];
    do {
      let b = n & 0x7f;
      n >>>= 7;
      if (n) b |= 0x80;
      out.push(b);
    } while (n);
    return out;
  };
  const nameBytes = Buffer.from(name, 'utf8');
  const body = [...leb(nameBytes.length), ...nameBytes, ...payload];
  return new Uint8Array([...core, 0, ...leb(body.length), ...body]);
}

/** A core module exporting the Canonical ABI names of `world`, wrapped into a component. */
export async function componentFromCore(core, world, wit) {
  const embedded = await componentEmbed({
    binary: core,
    witSource: wit ?? (await witSource()),
    world: witName(world),
    stringEncoding: 'utf8',
  });
  return componentNew(embedded);
}
