// Work made of calls alone, with no loop anywhere, is interrupted at its deadline too, as a
// loop is, by either mechanism (the watchdog: V8 checks for termination at function entries;
// fuel: at the entries of recursive functions and of call trees that fan out, fuel-plan.ts): 503 WITLINE_STAGE_TIMEOUT within deadline × 1.2 + 5 ms. Each guest would run
// for hours otherwise: a self-recursion that calls itself twice, 60 deep (2^60 calls); two
// functions calling each other by tail call forever (no stack grows: it never overflows);
// a chain of 40 functions each calling the next twice (2^40 calls, no cycle at all).
// Without a bound, plain recursion overflows V8's stack within microseconds: a trap, 500.
import { expect, it } from 'vitest';
import { pipeline, stage } from '../../src/index.js';
import { timed } from '../support/timed.js';
import { WAT_ALLOC, watComponent, watPassOnAfter } from '../support/wat-components.js';

const TIMEOUT = 100;
const WORLD = 'world calls { export request-handler; }';

const chain = Array.from(
  { length: 40 },
  (_, i) => `(func $f${i} ${i === 39 ? '(global.set $n (i32.add (global.get $n) (i32.const 1)))' : `(call $f${i + 1}) (call $f${i + 1})`})`,
).join('\n');

const guests = {
  'tree recursion': `
    (func $tree (param $d i32)
      (if (local.get $d) (then (call $tree (i32.sub (local.get $d) (i32.const 1))) (call $tree (i32.sub (local.get $d) (i32.const 1))))))
    ${watPassOnAfter('(call $tree (i32.const 60))')}`,
  'mutual tail recursion': `
    (func $ping (global.set $n (i32.add (global.get $n) (i32.const 1))) (return_call $pong))
    (func $pong (global.set $n (i32.sub (global.get $n) (i32.const 3))) (return_call $ping))
    ${watPassOnAfter('(call $ping)')}`,
  'fan-out without a cycle': `${chain} ${watPassOnAfter('(call $f0)')}`,
};

async function serve(wat: string, interrupt: 'watchdog' | 'fuel' = 'watchdog') {
  const component = await watComponent({ world: WORLD, wat: `(module ${WAT_ALLOC} (global $n (mut i32) (i32.const 0)) ${wat})` });
  return pipeline([stage({ name: 'calls', component, timeoutMs: TIMEOUT, interrupt })], { handler: () => ({ status: 200, body: 'handler' }) });
}

for (const [name, wat] of Object.entries(guests)) {
  it.each(['watchdog', 'fuel'] as const)(
    `interrupts ${name} within the bound (interrupt: %s)`,
    async (interrupt) => {
      const p = await serve(wat, interrupt);
      try {
        await p.ready();
        // A tail call is not interruptible on every V8 (tail-calls.test.ts): that guest takes fuel.
        expect(p.describe().stages[0].interrupt).toBe(name === 'mutual tail recursion' ? 'fuel' : interrupt);
        const { value: res, wallMs, ms } = await timed(() => p.inject({ url: '/' }));
        expect(res.status).toBe(503);
        expect(res.json()).toEqual({ error: 'WITLINE_STAGE_TIMEOUT', message: `stage 'calls' did not finish within ${TIMEOUT} ms` });
        expect(wallMs).toBeGreaterThanOrEqual(TIMEOUT);
        expect(ms).toBeLessThan(TIMEOUT * 1.2 + 5);
      } finally {
        await p.close();
      }
    },
    30_000,
  );
}

it('answers unbounded plain recursion with a trap (stack overflow), at once', async () => {
  const p = await serve(`
    (func $down (call $down) (global.set $n (i32.add (global.get $n) (i32.const 1))))
    ${watPassOnAfter('(call $down)')}`);
  try {
    await p.ready();
    const { value: res, ms } = await timed(() => p.inject({ url: '/' }));
    expect(res.status).toBe(500);
    expect(res.json<{ error: string }>().error).toBe('WITLINE_GUEST_TRAP');
    expect(ms).toBeLessThan(TIMEOUT);
  } finally {
    await p.close();
  }
}, 30_000);
