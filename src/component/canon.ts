import { CORE_EXPORTS, postReturn } from '../core/wit-names.mjs';

/**
 * What a component's `canon lift`s of the witline handlers name: the core function, the
 * memory, the realloc and the post-return, each as "export `name` of core instance `n`",
 * so the codec calls exactly what the component says, wherever each is defined (an
 * imported memory, an aliased realloc: componentize-qjs's handler module imports its
 * memory `env#memory`, and its realloc is an alias of another instance's export).
 *
 * Read from jco's generated instantiate code, not from the component binary: jco has
 * already flattened nested components and resolved every alias into one list of core
 * instances, numbered in the order it calls `instantiateCore` (`exportsN` is the Nth
 * call), and binds each lift's options as `memoryK = exportsN.memory`,
 * `reallocK = exportsN.cabi_realloc`. Re-deriving that from the binary would mean
 * re-implementing the component model's instantiation (nested components, aliases,
 * re-exports); reading jco's result ties the answer to the very glue that instantiates
 * the component. The cache key holds jco's version, and a mismatch at instantiation (an
 * instance count or export that is not what was read) falls back to jco's bindings.
 */

/** An export of one of the core instances jco creates, by creation order. */
export interface CoreRef {
  instance: number;
  name: string;
}

/** The core items behind one lifted handler. */
export interface Lift {
  func: CoreRef;
  memory?: CoreRef;
  realloc?: CoreRef;
  postReturn?: CoreRef;
}

/** The lifts of the handlers a component exports, or why the codec cannot call them. */
export interface Canon {
  /** How many core instances jco's instantiate creates. */
  instances: number;
  lifts: Partial<Record<keyof typeof CORE_EXPORTS, Lift>>;
  /** Set when the codec cannot serve the component: the stage keeps jco's bindings, and this says why. */
  reason?: string;
  /** The component uses the component-model async ABI (needs JSPI in the host). */
  async: boolean;
  /** The core modules (by jco's file name) that have a start function. */
  starts: string[];
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `exportsN.name` or `exportsN['name']` as a CoreRef. */
function refOf(expr: string): CoreRef | undefined {
  const m = /^exports(\d+)(?:\.([\w$]+)|\['([^']+)'\])$/.exec(expr.trim());
  return m ? { instance: Number(m[1]), name: m[2] ?? m[3] } : undefined;
}

/** Where `variable = exportsN...;` binds a variable, if it does. */
function bound(js: string, variable: string): CoreRef | undefined {
  const m = new RegExp(`\\b${esc(variable)} = (exports\\d+(?:\\.[\\w$]+|\\['[^']+'\\]));`).exec(js);
  return m ? refOf(m[1]) : undefined;
}

/** The wrapper jco writes for a lifted export: from `let <fnVar>;` to the end of the function after it, at the same indentation. */
function wrapperOf(js: string, fnVar: string): string | undefined {
  const m = new RegExp(`\\n([ \\t]*)let ${esc(fnVar)};`).exec(js);
  if (!m) return undefined;
  const end = js.indexOf(`\n${m[1]}}\n`, m.index + m[0].length);
  return end < 0 ? undefined : js.slice(m.index, end);
}

const distinct = (text: string, prefix: string) => [...new Set([...text.matchAll(new RegExp(`\\b(${prefix}\\d+)\\b`, 'g'))].map((m) => m[1]))];

function liftOf(js: string, coreName: string): Lift | string {
  const fnMatch = new RegExp(`\\b([\\w$]+) = exports(\\d+)\\['${esc(coreName)}'\\];`).exec(js);
  if (!fnMatch) return `jco's glue does not bind the core export ${coreName}`;
  const func = { instance: Number(fnMatch[2]), name: coreName };
  const body = wrapperOf(js, fnMatch[1]);
  if (!body) return `jco's glue has no wrapper for ${coreName}`;
  const memories = distinct(body, 'memory');
  const reallocs = distinct(body, 'realloc').filter((r) => !r.endsWith('Async'));
  const posts = distinct(body, 'postReturn');
  if (memories.length > 1 || reallocs.length > 1 || posts.length > 1) return `${coreName} names more than one memory, realloc or post-return`;
  const lift: Lift = { func };
  for (const [key, vars] of [
    ['memory', memories],
    ['realloc', reallocs],
    ['postReturn', posts],
  ] as const) {
    if (!vars.length) continue;
    const ref = bound(js, vars[0]);
    if (!ref) return `the ${key} of ${coreName} (${vars[0]}) is not a core instance's export`;
    lift[key] = ref;
  }
  return lift;
}

// Canonical built-ins only the component-model async ABI uses (a guest runtime built on
// it suspends through them, which needs JSPI in a JS host).
const ASYNC_BUILTINS =
  /\(canon (?:task\.return|task\.cancel|context\.[gs]et|waitable|waitable-set|subtask|stream|future|backpressure|yield|thread|error-context)[\s.)-]|\(canon lift [^\n]*\basync\b/;

/**
 * Read the handlers' lifts out of jco's generated JS (`js`) and the component text
 * (`wat`, from jco's `print`: string encodings and async built-ins).
 */
export function readCanon(js: string, wat: string, starts: string[] = []): Canon {
  const instances = [...js.matchAll(/\binstantiateCore\((?:yield |await )?module\d+/g)].length;
  const async = ASYNC_BUILTINS.test(wat);
  const canon: Canon = { instances, lifts: {}, async, starts };
  const handlerLifts = wat.split('\n').filter((l) => l.includes('canon lift') && /#on-(request|response)\b/.test(l));
  const reasons: string[] = [];
  if (async) reasons.push('it uses the component-model async ABI, which only jco’s bindings drive');
  if (handlerLifts.some((l) => /string-encoding=(?!utf8\b)/.test(l))) reasons.push('its handlers lift strings as something other than UTF-8');
  for (const key of ['configure', 'onRequest', 'onResponse'] as const) {
    const name = CORE_EXPORTS[key];
    if (!wat.includes(`"${name}"`)) continue;
    const lift = liftOf(js, name);
    if (typeof lift === 'string') {
      reasons.push(lift);
      continue;
    }
    if (!lift.postReturn && js.includes(`'${postReturn(name)}'`)) reasons.push(`the post-return of ${name} is not bound where expected`);
    canon.lifts[key] = lift;
  }
  const handlers = [canon.lifts.onRequest, canon.lifts.onResponse].filter((l): l is Lift => l !== undefined);
  if (!handlers.length && !reasons.length) reasons.push('jco’s glue binds neither handler');
  const same = (a?: CoreRef, b?: CoreRef) => a?.instance === b?.instance && a?.name === b?.name;
  const first = handlers[0];
  if (first && !first.memory) reasons.push('its handlers name no memory');
  if (first && !first.realloc) reasons.push('its handlers name no realloc');
  for (const l of [...handlers, canon.lifts.configure]) {
    if (l && first && (!same(l.memory, first.memory) || !same(l.realloc, first.realloc))) {
      reasons.push('its handlers use different memories or reallocs');
      break;
    }
  }
  if (reasons.length) canon.reason = reasons.join('; ');
  return canon;
}

const START_SECTION = 8;

/** Whether a core module binary has a start section (a function the runtime runs at instantiation). */
export function hasStartSection(bytes: Uint8Array): boolean {
  let at = 8; // magic and version
  const leb = () => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[at++];
      v += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) return v;
    }
  };
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = leb();
    if (id === START_SECTION) return true;
    at += size;
  }
  return false;
}
