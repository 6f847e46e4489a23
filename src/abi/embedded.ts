/**
 * A WebAssembly module embedded as base64 (scripts/build-hop.mjs: the fused hop's copy and
 * check), compiled; null where the runtime does not validate it (the copy needs
 * multi-memory) or `WITLINE_WASM_HOP=off` asks for the JS hop and check.
 */
export function embeddedModule(base64: string): WebAssembly.Module | null {
  const bytes = Buffer.from(base64, 'base64');
  return process.env.WITLINE_WASM_HOP !== 'off' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
}
