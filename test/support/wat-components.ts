import { readFile } from 'node:fs/promises';
import { componentEmbed, componentNew, parse } from '@bytecodealliance/jco';

/**
 * Components built in the test from WAT and WIT text with jco's wasm-tools API (the same
 * embed + new steps as scripts/build-middleware.mjs): real components for shapes the
 * AssemblyScript middleware cannot take (hostile output, odd worlds).
 */
export async function watComponent(opts: { wat: string; world: string; extraWit?: string }): Promise<Uint8Array> {
  const wit = await readFile(new URL('../../wit/middleware.wit', import.meta.url), 'utf8');
  const core = await parse(opts.wat);
  const embedded = await componentEmbed({
    binary: core,
    witSource: `${wit}\n${opts.world}\n${opts.extraWit ?? ''}`,
    world: worldName(opts.world),
    stringEncoding: 'utf8',
  });
  return componentNew(embedded);
}

function worldName(world: string): string {
  const name = /world\s+([\w-]+)/.exec(world)?.[1];
  return `witline:middleware/${name}@0.1.0`;
}

/** WAT data-segment text for bytes. */
export function watBytes(bytes: Uint8Array | string): string {
  const b = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
  return [...b].map((c) => `\\${c.toString(16).padStart(2, '0')}`).join('');
}

const u32 = (n: number) => watBytes(new Uint8Array(new Uint32Array([n]).buffer));

/** A bump allocator and memory: what every core module here exports for the Canonical ABI. */
export const WAT_ALLOC = `
  (memory (export "memory") 1)
  (global $bump (mut i32) (i32.const 4096))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32)
    (local.set $p (i32.and (i32.add (global.get $bump) (i32.sub (local.get 2) (i32.const 1))) (i32.sub (i32.const 0) (local.get 2))))
    (global.set $bump (i32.add (local.get $p) (local.get 3)))
    (local.get $p))`;

type Bytes = Uint8Array | string;

/**
 * The core of a request-phase guest that, whatever it receives, passes on the fixed request
 * given here as raw bytes (method, uri, one header), or answers with the fixed response
 * (`respond`: status, one header): output no conforming guest emits.
 */
export function forgerWat(out: { method: Bytes; uri: Bytes; header?: [Bytes, Bytes] } | { respond: { status: number; header?: [Bytes, Bytes] } }): string {
  const b = (x: Bytes) => (typeof x === 'string' ? Buffer.from(x, 'latin1') : Buffer.from(x));
  const header = 'respond' in out ? out.respond.header : out.header;
  const [hn, hv] = header ? [b(header[0]), b(header[1])] : [Buffer.alloc(0), Buffer.alloc(0)];
  // strings at 256.., the header entry at 1024, the action (its tag, then the payload) at 2048
  const at = { m: 256, u: 512, hn: 768, hv: 896, list: 1024, action: 2048 };
  const list = [header ? at.list : 4, header ? 1 : 0];
  let m = Buffer.alloc(0);
  let u = Buffer.alloc(0);
  let record: number[];
  if ('respond' in out) record = [1, out.respond.status, ...list, 4, 0];
  else {
    [m, u] = [b(out.method), b(out.uri)];
    record = [0, at.m, m.length, at.u, u.length, ...list, 0, 0, 0];
  }
  return `(module ${WAT_ALLOC}
  (data (i32.const ${at.m}) "${watBytes(m)}")
  (data (i32.const ${at.u}) "${watBytes(u)}")
  (data (i32.const ${at.hn}) "${watBytes(hn)}")
  (data (i32.const ${at.hv}) "${watBytes(hv)}")
  (data (i32.const ${at.list}) "${[at.hn, hn.length, at.hv, hv.length].map(u32).join('')}")
  (data (i32.const ${at.action}) "${record.map(u32).join('')}")
  (func (export "witline:middleware/request-handler@0.1.0#on-request") (param i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)
    (i32.const ${at.action})))`;
}

export const FORGER_WORLD = 'world forger { export request-handler; }';

/**
 * A request phase that runs `before` (WAT instructions with no result), then passes on a fixed
 * valid request (`GET /`).
 */
export const watPassOnAfter = (before: string) => `
  (data (i32.const 256) "GET/")
  (data (i32.const 2048) "\\00\\00\\00\\00\\00\\01\\00\\00\\03\\00\\00\\00\\03\\01\\00\\00\\01\\00\\00\\00\\04\\00\\00\\00")
  (func (export "witline:middleware/request-handler@0.1.0#on-request") (param i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)
    ${before}
    (i32.const 2048))`;

/** A request phase that passes on a fixed valid request (`GET /`), for components whose shape is what is tested. */
export const WAT_PASS_ON = watPassOnAfter('');

/** A forger component for each case (`[what, output]`), by `what`: built from WAT, for the hop and exit validation tests. */
export async function buildForgers(cases: ReadonlyArray<readonly [string, unknown]>): Promise<Map<string, Uint8Array>> {
  const built = new Map<string, Uint8Array>();
  for (const [what, out] of cases) built.set(what, await watComponent({ wat: forgerWat(out as never), world: FORGER_WORLD }));
  return built;
}
