// V8 in Node 26 does not check for interrupts on a Wasm tail call, so the watchdog cannot
// stop a guest recursing by tail call forever: such a stage takes fuel. The decoder that
// finds tail calls agrees with binaryen on modules that make them and on those that do not,
// answers "cannot tell" (then fuel) for an instruction it does not know, and finds none in
// any component this repository builds (AssemblyScript, C, JavaScript): they keep the watchdog.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import binaryen from 'binaryen';
import { expect, it } from 'vitest';
import { transpileCached } from '../../src/component/cache.js';
import { readComponent } from '../../src/component/load.js';
import { makesTailCalls } from '../../src/component/sandboxed.js';
import { usesTailCalls } from '../../src/component/tail-calls.js';
import { bundledComponent } from '../../src/middleware/bundled.js';

function wasm(body: string): Uint8Array {
  const m = binaryen.parseText(`(module ${body})`);
  m.setFeatures(binaryen.Features.All);
  try {
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}

const SIMD_AND_ATOMICS = `(memory 1 1 shared) (func (param i32) (result i32)
  (drop (v128.load offset=16 (local.get 0))) (drop (i8x16.extract_lane_u 3 (v128.const i32x4 1 2 3 4)))
  (drop (i32.atomic.rmw.add (local.get 0) (i32.const 1))) (atomic.fence)
  (memory.fill (local.get 0) (i32.const 0) (i32.const 8))
  (block $b (br_table $b $b (local.get 0))) (f64.const 1.5) (drop) (i64.const -7) (drop) (local.get 0))`;

it('finds return_call and return_call_indirect, and their absence', () => {
  expect(usesTailCalls(wasm(`(func $f (return_call $f))`))).toBe(true);
  expect(usesTailCalls(wasm(`(type $t (func)) (table 1 funcref) (func $f (return_call_indirect (type $t) (i32.const 0)))`))).toBe(true);
  expect(usesTailCalls(wasm(`(func $f (call $f))`))).toBe(false);
  expect(usesTailCalls(wasm(SIMD_AND_ATOMICS))).toBe(false);
  expect(usesTailCalls(wasm(`${SIMD_AND_ATOMICS} (func $g (return_call $g))`))).toBe(true);
});

it('cannot tell past an instruction it does not know (a GC struct.new), so fuel is assumed', () => {
  expect(usesTailCalls(wasm(`(type $s (struct (field i32))) (func (drop (struct.new $s (i32.const 1))))`))).toBeUndefined();
});

it('finds no tail call in any component this repository builds', async () => {
  const dir = dirname(bundledComponent('echo'));
  const names = readdirSync(dir).filter((f) => f.endsWith('.wasm'));
  expect(names.length).toBeGreaterThan(10);
  const node = Number(process.versions.node.split('.')[0]);
  for (const name of names) {
    const loading = transpileCached(await readComponent(join(dir, name)), undefined, { stage: name });
    // JavaScript guests (componentize-qjs) need extended-const: Node 20 refuses them at load, and they never run there.
    if (node < 22 && name.endsWith('-js.wasm')) {
      await expect(loading).rejects.toMatchObject({ code: 'WITLINE_COMPONENT_LOAD', feature: 'extended-const' });
      continue;
    }
    expect([name, await makesTailCalls(await loading)]).toEqual([name, false]);
  }
});
