import { INTERFACES, witName as iface, type Capability } from '../core/wit-names.mjs';
import { ImportDeniedError, InvalidComponentError } from '../core/errors.js';

/** What a component's world imports and exports, read from its WIT. */
export interface WorldShape {
  imports: string[];
  exports: string[];
}

/** Read the world-level `import`/`export` items from the WIT jco prints for a component. */
export function worldShape(wit: string): WorldShape {
  const imports: string[] = [];
  const exports: string[] = [];
  const world = /^\s*world\s+[\w-]+\s*\{([\s\S]*?)^\s*\}/m.exec(wit);
  const body = world ? world[1] : wit;
  for (const m of body.matchAll(/^\s*(import|export)\s+([^;]+);/gm)) {
    (m[1] === 'import' ? imports : exports).push(m[2].trim());
  }
  return { imports, exports };
}

/**
 * Refuse a component that imports anything the stage was not granted, naming every
 * such import. The `types` interface carries only type definitions and is always allowed.
 */
export function checkImports(stage: string, shape: WorldShape, granted: readonly Capability[]): void {
  const allowed = new Set([iface(INTERFACES.types), ...granted.map(iface)]);
  const denied = shape.imports.filter((i) => !allowed.has(i));
  if (denied.length) throw new ImportDeniedError(stage, denied);
}

/** The phases a component exports; it must export at least one. */
export function checkExports(stage: string, shape: WorldShape): { request: boolean; response: boolean; configure: boolean } {
  const has = (name: string) => shape.exports.includes(iface(name));
  const phases = { request: has(INTERFACES.requestHandler), response: has(INTERFACES.responseHandler), configure: has(INTERFACES.config) };
  if (!phases.request && !phases.response) {
    throw new InvalidComponentError(
      `stage '${stage}' exports neither ${iface(INTERFACES.requestHandler)} nor ${iface(INTERFACES.responseHandler)} (it exports: ${shape.exports.join(', ') || 'nothing'})`,
    );
  }
  return phases;
}
