#!/usr/bin/env node
// Assembles the hop's WebAssembly (src/abi/hop.wat, the copy; hop-staged.wat, the copy
// without multi-memory; hop-check.wat, the check) into TypeScript modules holding the
// bytes (base64), so that the runtime needs no assembler.
// `node scripts/build-hop.mjs --check` fails if they differ.
import { readFile, writeFile } from 'node:fs/promises';
import binaryen from 'binaryen';

const MODULES = [
  {
    wat: 'hop.wat',
    ts: 'hop-wasm.ts',
    name: 'HOP_WASM',
    features: binaryen.Features.MultiMemory | binaryen.Features.BulkMemory | binaryen.Features.BulkMemoryOpt | binaryen.Features.SIMD128,
  },
  {
    wat: 'hop-staged.wat',
    ts: 'hop-staged-wasm.ts',
    name: 'HOP_STAGED_WASM',
    features: binaryen.Features.BulkMemory | binaryen.Features.BulkMemoryOpt | binaryen.Features.SIMD128,
  },
  { wat: 'hop-check.wat', ts: 'hop-check-wasm.ts', name: 'HOP_CHECK_WASM', features: binaryen.Features.SIMD128 },
];

let stale = false;
for (const m of MODULES) {
  const wat = await readFile(new URL(`../src/abi/${m.wat}`, import.meta.url), 'utf8');
  // NAMES=1: keep function names, for a profile (not for the committed bytes).
  binaryen.setDebugInfo(Boolean(process.env.NAMES));
  const mod = binaryen.parseText(wat);
  mod.setFeatures(binaryen.Features.MVP | m.features);
  if (!mod.validate()) throw new Error(`${m.wat} does not validate`);
  // Optimised (-O3): V8 does not inline across WebAssembly functions on Node 20, where each
  // small helper (a bounds test, one string's copy) cost a call; inlined, the staged hop of
  // the bench request went from ~650 to ~420 ns there.
  binaryen.setOptimizeLevel(3);
  binaryen.setShrinkLevel(0);
  mod.optimize();
  const bytes = mod.emitBinary();
  mod.dispose();
  const ts = `// Generated from ${m.wat} by scripts/build-hop.mjs: do not edit.
export const ${m.name} = '${Buffer.from(bytes).toString('base64')}';
`;
  const target = new URL(`../src/abi/${m.ts}`, import.meta.url);
  if (process.argv.includes('--check')) {
    const current = await readFile(target, 'utf8').catch(() => '');
    if (current !== ts) {
      console.error(`src/abi/${m.ts} is out of date: run node scripts/build-hop.mjs`);
      stale = true;
    }
  } else {
    await writeFile(target, ts);
    console.log(`${m.ts}: ${bytes.byteLength} bytes`);
  }
}
if (stale) process.exit(1);
