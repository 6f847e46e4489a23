import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The package root, found by walking up from this file (src/ in development, dist/ when installed). */
function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'wit'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('witline: cannot find the package root from ' + import.meta.url);
    dir = up;
  }
  return (root = dir);
}

/** Path of a bundled middleware component built by `npm run build:middleware`. */
export function bundledComponent(name: string): string {
  return join(packageRoot(), 'build', 'middleware', `${name}.wasm`);
}
