// A guest looping on the main thread is interrupted at its deadline, by either mechanism
// (the watchdog, the default here: a native thread terminates the call; fuel: the clock is
// checked whenever a slice of work runs out): the request gets 503 WITLINE_STAGE_TIMEOUT
// within deadline × 1.2 + 5 ms, the instance is replaced, and the next request is served by
// a fresh one. (The machine is shared: a process descheduled for a while answers late
// without having run late, so the bound is checked on the smaller of the wall time and the
// CPU time the process spent meanwhile; a guest that ran past its deadline fails both.)
import { afterAll, describe, expect, it } from 'vitest';
import { pipeline } from '../../src/index.js';
import { hostile } from '../support/components.js';
import { timed } from '../support/timed.js';

const TIMEOUT = 200;

describe.each(['watchdog', 'fuel'] as const)('interrupt: %s', (interrupt) => {
  const p = pipeline([hostile({ timeoutMs: TIMEOUT, interrupt })], { handler: () => ({ status: 200, body: 'handler' }) });
  afterAll(() => p.close());

  it('answers 503 within the bound, then serves the next request on a fresh instance', async () => {
    await p.ready();
    expect((await p.inject({ url: '/' })).headers['x-calls']).toBe('1');
    expect((await p.inject({ url: '/' })).headers['x-calls']).toBe('2');
    const { value: res, wallMs, ms } = await timed(() => p.inject({ url: '/loop' }));
    expect(res.status).toBe(503);
    expect(res.json()).toEqual({ error: 'WITLINE_STAGE_TIMEOUT', message: `stage 'hostile' did not finish within ${TIMEOUT} ms` });
    expect(wallMs).toBeGreaterThanOrEqual(TIMEOUT);
    expect(ms).toBeLessThan(TIMEOUT * 1.2 + 5);
    const next = await p.inject({ url: '/' });
    expect(next.status).toBe(200);
    expect(next.headers['x-calls']).toBe('1');
    expect(p.describe().stages[0].replacedInstances).toBe(1);
    expect(p.describe().stages[0].interrupt).toBe(interrupt);
  });

  it('interrupts a guest instantiated through jco (several core modules) the same way', async () => {
    const q = pipeline([hostile({ timeoutMs: TIMEOUT, interrupt })], { binding: 'jco' });
    try {
      await q.ready();
      expect(q.describe().stages[0].instantiation).toBe('jco');
      const { value: res, wallMs, ms } = await timed(() => q.inject({ url: '/loop' }));
      expect(res.status).toBe(503);
      expect(wallMs).toBeGreaterThanOrEqual(TIMEOUT);
      expect(ms).toBeLessThan(TIMEOUT * 1.2 + 5);
      expect((await q.inject({ url: '/' })).status).toBe(200);
    } finally {
      await q.close();
    }
  });
});
