import { stage, type StageOptions } from '../../src/index.js';
import { bundledComponent } from '../../src/middleware/bundled.js';

/** The echo conformance guest built from middleware/echo (a real component, not a fake). */
export function echo(options: Omit<StageOptions, 'component'> = {}) {
  return stage({ name: 'echo', capabilities: ['log'], ...options, component: bundledComponent('echo') });
}

/** The context-probe guest from middleware/context-probe: reports the address `context` gives it, now and at configure. */
export function contextProbe(options: Omit<StageOptions, 'component'> = {}) {
  return stage({ name: 'context-probe', capabilities: ['log', 'context'], ...options, component: bundledComponent('context-probe') });
}

/** The hostile guest built from middleware/hostile: loops, grows memory, floods kv, aliases headers, breaks. */
export function hostile(options: Omit<StageOptions, 'component'> = {}) {
  return stage({ name: 'hostile', ...options, component: bundledComponent('hostile') });
}
