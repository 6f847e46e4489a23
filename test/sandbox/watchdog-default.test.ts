// On a machine where `npm ci` built the native addon (every machine this project runs on:
// node-gyp with Node's headers), the main thread's deadline is the watchdog's by default, on
// every Node version the suite runs on (one Node-API build serves them all), and the
// guest's core modules are not rewritten: the fuel import is nowhere in them.
import { expect, it } from 'vitest';
import { pipeline } from '../../src/index.js';
import { transpileCached } from '../../src/component/cache.js';
import { SANDBOX_IMPORT } from '../../src/host/deadline.js';
import { watchdog, watchdogFailure } from '../../src/host/watchdog.js';
import { readComponent } from '../../src/component/load.js';
import { sandboxed } from '../../src/component/sandboxed.js';
import { bundledComponent } from '../../src/middleware/bundled.js';
import { hostile } from '../support/components.js';

it('loads the watchdog and makes it the default interrupt', async () => {
  expect(watchdog(), watchdogFailure()).toBeDefined();
  const p = pipeline([hostile()]);
  try {
    await p.ready();
    expect(p.describe().stages[0]).toMatchObject({ interrupt: 'watchdog', placement: 'main' });
    // timeoutMs 0: nothing interrupts; a pooled stage: its pool does.
    const q = pipeline([hostile({ name: 'off', timeoutMs: 0 }), hostile({ name: 'pooled', pool: true })]);
    try {
      await q.ready();
      expect(q.describe().stages.map((s) => s.interrupt)).toEqual(['none', 'pool']);
    } finally {
      await q.close();
    }
  } finally {
    await p.close();
  }
});

it('leaves the cores as compiled under the watchdog (only the memory cap is rewritten), and adds the fuel import under fuel', async () => {
  const component = await transpileCached(await readComponent(bundledComponent('hostile')), undefined, { stage: 'hostile' });
  const importsFuel = (c: typeof component) =>
    [...c.cores.values()].some((m) => WebAssembly.Module.imports(m).some((i) => i.module === SANDBOX_IMPORT.module && i.name === SANDBOX_IMPORT.name));
  expect(importsFuel(await sandboxed(component, { fuel: false, maxMemoryBytes: 64 * 1024 * 1024 }))).toBe(false);
  expect(importsFuel(await sandboxed(component, { fuel: true, maxMemoryBytes: 64 * 1024 * 1024 }))).toBe(true);
});
