import { INTERFACES, witName as iface, type Capability } from '../core/wit-names.mjs';
import { ImportDeniedError, InvalidComponentError } from '../core/errors.js';
import { componentNames } from './names.js';

/** What a component imports and exports at its top level. */
export interface WorldShape {
  imports: string[];
  exports: string[];
}

/**
 * Read the component's real imports and exports from its binary (`names.ts`), not from a
 * rendering of its WIT: every imported instance, function, value or component is an import
 * the policy judges by its full name (`wasi:sockets/tcp@0.2.0`, an inline interface's own
 * name); type-only imports grant nothing and are left out.
 */
export function worldShape(bytes: Uint8Array): WorldShape {
  const { imports, exports } = componentNames(bytes);
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
