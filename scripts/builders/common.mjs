// What every middleware builder shares: where things go, the WIT, and how a core module
// becomes a component (embed the WIT world as source text, since jco's WASI shim has no
// preopened directories, then wrap it with jco's wasm-tools API).
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { componentEmbed, componentNew } from '@bytecodealliance/jco';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const outDir = join(root, 'build', 'middleware');
export const glueDir = join(root, 'build', 'glue');
export const PKG = 'witline:middleware@0.1.0';
export const iface = (name) => `witline:middleware/${name}@0.1.0`;

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

/** A core module exporting the Canonical ABI names of `world`, wrapped into a component. */
export async function componentFromCore(core, world, wit) {
  const embedded = await componentEmbed({
    binary: core,
    witSource: wit ?? (await witSource()),
    world: `witline:middleware/${world}@0.1.0`,
    stringEncoding: 'utf8',
  });
  return componentNew(embedded);
}
