import { Guest, type Binding } from '../../src/component/guest.js';
import { transpileCached } from '../../src/component/cache.js';
import { readComponent } from '../../src/component/load.js';
import { checkExports, worldShape } from '../../src/component/policy.js';
import { CallContext } from '../../src/host/call-context.js';
import { MemoryStore } from '../../src/host/kv.js';
import { bundledComponent } from '../../src/middleware/bundled.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** A live guest of a bundled component, called through the given binding. */
export async function bundledGuest(name: string, binding: Binding, config: Array<[string, string]> = [], direct = true): Promise<Guest> {
  return guestOf(name, await readComponent(bundledComponent(name)), binding, config, direct);
}

/** A live guest of the component `bytes` (built from source by the caller), called through the given binding. */
export async function guestOf(name: string, bytes: Uint8Array, binding: Binding, config: Array<[string, string]> = [], direct = true): Promise<Guest> {
  const component = await transpileCached(bytes);
  return Guest.create({
    stage: name,
    component,
    config,
    capabilities: ['log', 'clock', 'kv', 'context'],
    phases: checkExports(name, worldShape(bytes)),
    host: { kv: new MemoryStore(), clock: Date.now, logger: quiet, call: new CallContext() },
    binding,
    direct,
  });
}
