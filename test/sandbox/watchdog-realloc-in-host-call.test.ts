// The watchdog waits out host calls, but not guest code a host call runs: a guest whose
// cabi_realloc loops when kv.get allocates the value it returns is stopped at its deadline
// (503 within deadline × 1.2 + 5 ms), not waited for forever; the next request is served by
// a fresh instance.
import { afterAll, expect, it } from 'vitest';
import { MemoryStore, pipeline, stage } from '../../src/index.js';
import { timed } from '../support/timed.js';
import { watComponent, watPassOnAfter } from '../support/wat-components.js';

const TIMEOUT = 100;
const kv = new MemoryStore();
kv.set('key', new Uint8Array([1, 2, 3]), 60_000);

const wat = `(module
  (import "witline:middleware/kv@0.1.0" "get" (func $get (param i32 i32 i32)))
  (memory (export "memory") 1)
  (global $bump (mut i32) (i32.const 4096))
  (global $hostile (mut i32) (i32.const 0))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32)
    (if (global.get $hostile) (then (loop $spin (br $spin))))
    (local.set $p (i32.and (i32.add (global.get $bump) (i32.sub (local.get 2) (i32.const 1))) (i32.sub (i32.const 0) (local.get 2))))
    (global.set $bump (i32.add (local.get $p) (local.get 3)))
    (local.get $p))
  (data (i32.const 3000) "key")
  ${watPassOnAfter('(if (i32.eq (local.get 3) (i32.const 5)) (then (global.set $hostile (i32.const 1)) (call $get (i32.const 3000) (i32.const 3) (i32.const 3100))))')})`;

const p = pipeline(
  [stage({ name: 'kvloop', component: await watComponent({ world: 'world kvloop { import kv; export request-handler; }', wat }), timeoutMs: TIMEOUT })],
  {
    kv,
    handler: () => ({ status: 200, body: 'handler' }),
  },
);
afterAll(() => p.close());

it('stops a cabi_realloc looping inside a kv call at the deadline', async () => {
  await p.ready();
  expect(p.describe().stages[0].interrupt).toBe('watchdog');
  expect((await p.inject({ url: '/' })).status).toBe(200);
  // The uri /loop (5 bytes: the 4th flat argument is its length) makes the guest read kv.
  const { value: res, wallMs, ms } = await timed(() => p.inject({ url: '/loop' }));
  expect(res.status).toBe(503);
  expect(res.json()).toEqual({ error: 'WITLINE_STAGE_TIMEOUT', message: `stage 'kvloop' did not finish within ${TIMEOUT} ms` });
  expect(wallMs).toBeGreaterThanOrEqual(TIMEOUT);
  expect(ms).toBeLessThan(TIMEOUT * 1.2 + 5);
  expect((await p.inject({ url: '/' })).status).toBe(200);
});
