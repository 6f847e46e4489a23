#!/usr/bin/env node
// Assembles src/abi/hop.wat into src/abi/hop-wasm.ts (the bytes, base64), so that the
// runtime needs no assembler. `node scripts/build-hop.mjs --check` fails if they differ.
import { readFile, writeFile } from 'node:fs/promises';
import binaryen from 'binaryen';

const wat = await readFile(new URL('../src/abi/hop.wat', import.meta.url), 'utf8');
const mod = binaryen.parseText(wat);
mod.setFeatures(binaryen.Features.MVP | binaryen.Features.MultiMemory | binaryen.Features.BulkMemory | binaryen.Features.BulkMemoryOpt);
if (!mod.validate()) throw new Error('hop.wat does not validate');
const bytes = mod.emitBinary();
mod.dispose();
const ts = `// Generated from hop.wat by scripts/build-hop.mjs: do not edit.
export const HOP_WASM = '${Buffer.from(bytes).toString('base64')}';
`;
const target = new URL('../src/abi/hop-wasm.ts', import.meta.url);
if (process.argv.includes('--check')) {
  const current = await readFile(target, 'utf8').catch(() => '');
  if (current !== ts) {
    console.error('src/abi/hop-wasm.ts is out of date: run node scripts/build-hop.mjs');
    process.exit(1);
  }
} else {
  await writeFile(target, ts);
  console.log(`hop-wasm.ts: ${bytes.byteLength} bytes`);
}
