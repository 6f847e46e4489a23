import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { FUEL_SLICE, SANDBOX_IMPORT } from '../host/deadline.js';
import { chargedAtEntry } from './fuel-plan.js';
import { capMemories } from './memory-cap.js';

/**
 * The load-time rewrite of a guest's core modules that makes it a sandbox:
 *
 * - **Fuel.** Every loop header, and the entry of every function that loops, recurses, is
 *   entered from outside the module or fans out past a budget (`fuel-plan.ts`: exactly
 *   where a guest could run without bound), spends fuel; when the slice is spent, the imported interrupt
 *   (`host/deadline.ts`) refills it or throws past the call's deadline. See {@link addFuel}.
 * - **Memory cap.** A memory the module defines gets a maximum of `maxMemoryBytes`, so
 *   `memory.grow` past it returns -1: a byte-level edit of the memory section
 *   (`memory-cap.ts`), made before fuel, which alone needs binaryen.
 *
 * Run once per component and settings; the result is cached (`component/sandboxed.ts`).
 */

/** Bumped when the rewrite changes: part of the cache key of rewritten modules. */
export const REWRITE_VERSION = 6;

export interface SandboxSettings {
  /** Insert fuel (and the interrupt import). */
  fuel: boolean;
  /** Maximum linear memory in bytes; 0 for no cap. */
  maxMemoryBytes: number;
}

// The internal names binaryen gives what the rewrite adds; `log_execution` is the pass's own.
const TICK = 'log_execution';
const FUEL = 'witline$fuel';
const INTERRUPT = 'witline$interrupt';

type Binaryen = typeof import('binaryen').default;
let loading: Promise<Binaryen> | undefined;
/** binaryen is large (a 15 MB module): loaded only when a rewrite is not in the cache. */
function binaryen(): Promise<Binaryen> {
  loading ??= import('binaryen').then((m) => m.default);
  return loading;
}

/** The binaryen version, for cache keys. */
export function rewriterVersion(): string {
  const require = createRequire(import.meta.url);
  const pkg = join(dirname(require.resolve('binaryen')), 'package.json');
  return `${REWRITE_VERSION}:binaryen@${(require(pkg) as { version: string }).version}:slice=${FUEL_SLICE}`;
}

/** Rewrite one core module; `name` is for errors. */
export async function rewriteCore(bytes: Uint8Array, settings: SandboxSettings, name: string): Promise<Uint8Array> {
  // The cap is a byte-level edit (memory-cap.ts); only fuel needs binaryen.
  if (settings.maxMemoryBytes > 0) bytes = capMemories(bytes, settings.maxMemoryBytes, name);
  if (!settings.fuel) return bytes;
  const b = await binaryen();
  const m = b.readBinary(bytes);
  try {
    m.setFeatures(features(b));
    if (m.getNumFunctions() === 0) return m.emitBinary();
    const fueled = addFuel(b, m);
    if (!fueled) {
      addFuelByPass(b, m);
      return m.emitBinary();
    }
    try {
      return fueled.emitBinary();
    } finally {
      fueled.dispose();
    }
  } finally {
    m.dispose();
  }
}

/**
 * What the rewrite may read and write: the features Node 20's V8 runs. Not binaryen's `All`,
 * which would emit newer encodings (compact imports) that V8 rejects.
 */
function features(b: Binaryen): number {
  const f = b.Features;
  return (
    f.MVP |
    f.Atomics |
    f.MutableGlobals |
    f.NontrappingFPToInt |
    f.SIMD128 |
    f.BulkMemory |
    f.SignExt |
    f.ExceptionHandling |
    f.TailCall |
    f.ReferenceTypes |
    f.Multivalue |
    f.ExtendedConst |
    f.BulkMemoryOpt |
    f.CallIndirectOverlong
  );
}

/**
 * Fuel, placed by rewriting the module's text (binaryen prints each instruction on its own
 * line, so loop headers and function bodies are found by line): each function the plan
 * names ({@link chargedAtEntry}) charges {@link CALL_COST} units of a mutable global at
 * entry, and gets as many loop iterations,
 * counted in a local (a register: the tick in a loop costs a decrement and a branch, like
 * V8's own stack check); when those run out, the loop charges the global for the next
 * {@link CALL_COST} (`$witline$charge`). Every iteration and every call that could repeat
 * without bound is so paid for from the global before it runs, and the interrupt is called
 * whenever the global runs out.
 * A module whose text does not have the expected shape takes {@link addFuelByPass}.
 */
const CALL_COST = 100;
const LOCAL = '$witline$left';
const CHARGE = '$witline$charge';
// What makes a function's running time more than its length: a loop, or a call.
const WORK = /^\s*\((loop|call|call_indirect|call_ref|return_call|return_call_indirect|return_call_ref)\b/;
const LOOP = /^\s*\(loop\b/;

function addFuel(b: Binaryen, m: InstanceType<Binaryen['Module']>): InstanceType<Binaryen['Module']> | undefined {
  const text = m.emitText();
  if (text.includes('$witline$')) return undefined;
  const lines = text.split('\n');
  const charged = chargedAtEntry(lines);
  const out: string[] = [];
  const balanced = (l: string) => l.split('(').length === l.split(')').length;
  const charge = (amount: string) =>
    `(global.set $${FUEL} (i32.sub (global.get $${FUEL}) ${amount})) (if (i32.le_s (global.get $${FUEL}) (i32.const 0)) (then (global.set $${FUEL} (call $${INTERRUPT}))))`;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    out.push(line);
    if (i === 0) {
      if (line.trim() !== '(module') return undefined;
      out.push(` (import "${SANDBOX_IMPORT.module}" "${SANDBOX_IMPORT.name}" (func $${INTERRUPT} (result i32)))`);
    } else if (/^ \(func /.test(line)) {
      if (balanced(line)) return undefined; // a body on the header line: not the shape this expects
      while (/^\s*\(local /.test(lines[i + 1] ?? '')) out.push(lines[++i]);
      let end = i + 1;
      while (end < lines.length && lines[end] !== ' )') end++;
      if (end === lines.length) return undefined;
      const body = lines.slice(i + 1, end);
      // The plan (`fuel-plan.ts`) names every function that loops, recurses, is entered from
      // outside or fans out past a budget. Without one, every function that loops or calls
      // charges (a leaf without loops runs at most its own length: its caller has paid).
      const entry = charged ? charged.has(/^ \(func (\$[^\s()]+)/.exec(line)?.[1] ?? '') : body.some((l) => WORK.test(l));
      if (entry) {
        out.push(`  (local ${LOCAL} i32)`, `  ${charge(`(i32.const ${CALL_COST})`)} (local.set ${LOCAL} (i32.const ${CALL_COST}))`);
      }
    } else if (LOOP.test(line)) {
      if (balanced(line)) return undefined;
      out.push(
        `   (local.set ${LOCAL} (i32.sub (local.get ${LOCAL}) (i32.const 1))) (if (i32.le_s (local.get ${LOCAL}) (i32.const 0)) (then (call ${CHARGE}) (local.set ${LOCAL} (i32.const ${CALL_COST}))))`,
      );
    }
  }
  // Definitions after every import: before the module's closing parenthesis.
  const end = out.length - 1 - [...out].reverse().findIndex((l) => l.trim() === ')');
  if (end >= out.length) return undefined;
  out.splice(end, 0, ` (global $${FUEL} (mut i32) (i32.const ${FUEL_SLICE}))`, ` (func ${CHARGE} ${charge(`(i32.const ${CALL_COST})`)})`);
  try {
    const rewritten = b.parseText(out.join('\n'));
    rewritten.setFeatures(features(b));
    if (!rewritten.validate()) {
      rewritten.dispose();
      return undefined;
    }
    return rewritten;
  } catch {
    return undefined;
  }
}

/**
 * The fallback: binaryen's `log-execution` pass puts a call to one function at every
 * function entry, loop header and return; that function, defined here instead of imported,
 * spends one unit of the global and refills it from the interrupt. Sound for any module
 * binaryen reads, but a global read-modify-write per loop iteration (~15% on hashing).
 */
function addFuelByPass(b: Binaryen, m: InstanceType<Binaryen['Module']>): void {
  b.setPassArgument('log-execution', SANDBOX_IMPORT.module);
  m.runPasses(['log-execution']);
  // Only the tick may be inlined: the guest's own functions stay as they were compiled.
  b.setPassArgument('no-inline', '*');
  m.runPasses(['no-inline']);
  b.clearPassArguments();
  // The pass imported TICK(i32 id); define it instead: spend one unit, refill at zero.
  m.removeFunction(TICK);
  m.addGlobal(FUEL, b.i32, true, m.i32.const(FUEL_SLICE));
  m.addFunctionImport(INTERRUPT, SANDBOX_IMPORT.module, SANDBOX_IMPORT.name, b.none, b.i32);
  const left = () => m.global.get(FUEL, b.i32);
  m.addFunction(
    TICK,
    b.createType([b.i32]),
    b.none,
    [],
    m.block(null, [
      m.global.set(FUEL, m.i32.sub(left(), m.i32.const(1))),
      m.if(m.i32.le_s(left(), m.i32.const(0)), m.global.set(FUEL, m.call(INTERRUPT, [], b.i32))),
    ]),
  );
  // Inline it everywhere (it is ~10 nodes); the unused id argument is a dead local V8 drops.
  const before = b.getAlwaysInlineMaxSize();
  b.setAlwaysInlineMaxSize(16);
  try {
    m.runPasses(['inlining']);
    m.removeFunction(TICK);
  } finally {
    b.setAlwaysInlineMaxSize(before);
  }
}
