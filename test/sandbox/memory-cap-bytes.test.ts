// The memory cap is a byte-level edit of the memory section: the limits get the cap as their
// maximum (or keep a smaller one), a module whose memory starts above the cap is refused,
// and every other byte of the module stays as it was (the code is not re-encoded).
import { expect, it } from 'vitest';
import { capMemories } from '../../src/component/memory-cap.js';

// (module (memory $m 2) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))
// encoded by hand around a memory section, so that the test reads what it checks.
const PRE = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00];
const POST = [0x07, 0x08, 0x01, 0x04, 0x67, 0x72, 0x6f, 0x77, 0x00, 0x00, 0x0a, 0x08, 0x01, 0x06, 0x00, 0x20, 0x00, 0x40, 0x00, 0x0b];
const module = (memory: number[]) => new Uint8Array([...PRE, 0x05, memory.length, ...memory, ...POST]);
const PAGE = 65536;

function grows(bytes: Uint8Array, pages: number): number {
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>));
  return (exports.grow as (n: number) => number)(pages);
}

it('gives a memory without a maximum the cap, which memory.grow then cannot pass', () => {
  const bytes = module([0x01, 0x00, 0x02]); // one memory, min 2, no max
  expect(grows(bytes, 100)).toBe(2);
  const capped = capMemories(bytes, 10 * PAGE, 'm');
  expect([...capped.subarray(PRE.length, PRE.length + 6)]).toEqual([0x05, 0x04, 0x01, 0x01, 0x02, 0x0a]);
  expect([...capped.subarray(0, PRE.length)]).toEqual(PRE);
  expect([...capped.subarray(PRE.length + 6)]).toEqual(POST);
  expect(grows(capped, 9)).toBe(-1);
  expect(grows(capped, 8)).toBe(2);
});

it('keeps a smaller maximum, and rounds the cap down to pages', () => {
  const bytes = module([0x01, 0x01, 0x01, 0x03]); // min 1, max 3
  expect([...capMemories(bytes, 10 * PAGE, 'm').subarray(PRE.length + 2, PRE.length + 6)]).toEqual([0x01, 0x01, 0x01, 0x03]);
  expect([...capMemories(bytes, 2 * PAGE + 100, 'm').subarray(PRE.length + 2, PRE.length + 6)]).toEqual([0x01, 0x01, 0x01, 0x02]);
});

it('re-encodes a cap that needs a longer LEB128 (the section grows)', () => {
  const bytes = module([0x01, 0x00, 0x01]);
  const capped = capMemories(bytes, 64 * 1024 * 1024, 'm'); // 1024 pages: two LEB bytes
  expect([...capped.subarray(PRE.length, PRE.length + 7)]).toEqual([0x05, 0x05, 0x01, 0x01, 0x01, 0x80, 0x08]);
  expect(grows(capped, 1023)).toBe(1);
});

it('refuses a module whose memory starts above the cap, naming it', () => {
  expect(() => capMemories(module([0x01, 0x00, 0x20]), 16 * PAGE, 'core2.wasm')).toThrow(
    expect.objectContaining({
      code: 'WITLINE_COMPONENT_LOAD',
      message: `core2.wasm: its memory starts at ${32 * PAGE} bytes, above maxMemoryBytes (${16 * PAGE})`,
    }),
  );
});

it('leaves a module without a memory section as it is', () => {
  const bytes = new Uint8Array([...PRE, ...POST.slice(0, 10)]);
  expect(capMemories(bytes, PAGE, 'm')).toBe(bytes);
});
