import { HEADER_SIZE, REQUEST, REQUEST_FLAT, RESPONSE, RESPONSE_FLAT } from '../abi/layout.js';
import { HostMemory } from '../abi/host-memory.js';
import { lowerRequest, lowerResponse } from '../abi/lower.js';
import type { Capability } from '../core/wit-names.mjs';
import type { SerializedError } from '../core/errors.js';
import type { WitRequest, WitResponse } from '../core/types.js';
import type { Spares } from './spares.js';
import type { Canon } from '../component/canon.js';

/**
 * What travels between the main thread and a pool's workers. Requests and responses go
 * as their Canonical ABI encoding in a host-memory buffer that is transferred (moved,
 * never copied or structured-cloned as an object graph); everything else is a few numbers.
 * Pointers are offsets into that buffer; -1 means "unchanged" or "none".
 */

/** Run the pooled stages' request phase on the request at `rec`. */
export interface RequestTask {
  kind: 'request';
  /** The task's slot on the start board (see deadline.ts). */
  slot: number;
  buf: ArrayBuffer;
  used: number;
  rec: number;
  remoteAddress: string;
}

/**
 * Run the response phase on the response at `resp`. `entered` is the request phase's
 * snapshot list, flat: stage index, then the pointer of the request it saw (-1: none).
 */
export interface ResponseTask {
  kind: 'response';
  slot: number;
  buf: ArrayBuffer;
  used: number;
  resp: number;
  entered: number[];
  remoteAddress: string;
}

/** Sent once when the pool starts, to have a worker load (and surface load errors). */
export interface PingTask {
  kind: 'ping';
}

export type Task = RequestTask | ResponseTask | PingTask;

/** A value the stages produced, at `rec` in `buf` (-1: the input went on unchanged); `stage` made it. */
interface Produced {
  buf: ArrayBuffer;
  used: number;
  rec: number;
  stage: number;
  /**
   * The body is byte for byte the one the task carried: it was left out of the record
   * (as no body), and the main thread keeps the body it already has instead of copying it.
   */
  sameBody: boolean;
  /** Stages whose guest instance was replaced during the task (after a trap). */
  replaced: number[];
}

export type TaskResult =
  | ({ kind: 'next'; entered: number[] | null } & Produced)
  | ({ kind: 'respond' } & Produced)
  | ({ kind: 'response' } & Produced)
  | ({ kind: 'error'; replaced: number[] } & SerializedError)
  | { kind: 'pong' };

/** What a worker needs to build a stage's guests: the compiled modules and the stage's settings. */
export interface WorkerStage {
  name: string;
  config: ReadonlyArray<readonly [string, string]>;
  capabilities: readonly Capability[];
  phases: { request: boolean; response: boolean; configure: boolean };
  component: { key: string; dir: string; wit: string; codec: boolean; canon: Canon; cores: Array<[string, WebAssembly.Module]> };
}

/** The pool's `workerData`, cloned into every worker it starts. */
export interface WorkerData {
  stages: WorkerStage[];
  /** Whether `clock` calls go to the main thread (the pipeline was given a clock) or use `Date.now`. */
  proxyClock: boolean;
  /** The start board (deadline.ts): where a worker marks when it starts a task. */
  board: { buffer: SharedArrayBuffer; base: number };
}

// Scratch flat values for one record.
const flat = new Int32Array(REQUEST_FLAT);

/** Bytes a request takes encoded when its strings are ASCII (the buffer grows otherwise). */
function encodedSize(req: WitRequest): number {
  let n = 8 + REQUEST.size + 16 + req.method.length + req.uri.length + req.headers.length * HEADER_SIZE;
  for (const [k, v] of req.headers) n += k.length + v.length;
  // Typed-array views over the buffer need a multiple of 8.
  return (n + (req.body?.byteLength ?? 0) + 64 + 7) & ~7;
}

/**
 * A request encoded into host memory: the memory and the record's pointer. `spare` hands
 * out a buffer that came back from a worker, when one is big enough (see {@link Spares}).
 */
export function encodeRequest(req: WitRequest, extra = 0, spares?: Spares): { mem: HostMemory; rec: number } {
  const size = encodedSize(req) + ((extra + 7) & ~7);
  const mem = new HostMemory(spares?.take(size) ?? size);
  lowerRequest(mem, req, flat, 0);
  return { mem, rec: mem.storeRequest(flat) };
}

/** Write the flat response values as a response record in `mem`; returns its pointer. */
export function storeResponse(mem: HostMemory, values: Int32Array): number {
  const rec = mem.alloc(RESPONSE.size, 4);
  mem.u16[rec >>> 1] = values[0];
  mem.u16[(rec >>> 1) + 1] = 0;
  const w = (rec + RESPONSE.headers) >>> 2;
  for (let i = 1; i < RESPONSE_FLAT; i++) mem.u32[w + i - 1] = values[i];
  return rec;
}

/** The (ptr, len) of a body: a request's (undefined when it has none) or a response's. */
export function bodyAt(mem: { u8: Uint8Array; u32: Uint32Array }, rec: number, kind: 'request' | 'response'): [number, number] | undefined {
  if (kind === 'request' && mem.u8[rec + REQUEST.bodyTag] !== 1) return undefined;
  const w = (rec + (kind === 'request' ? REQUEST.body : RESPONSE.body)) >>> 2;
  return [mem.u32[w], mem.u32[w + 1]];
}

/** Whether two records' bodies hold the same bytes (a value out of bounds never does). */
export function sameBody(
  a: { u8: Uint8Array; u32: Uint32Array },
  ar: number,
  b: { u8: Uint8Array; u32: Uint32Array },
  br: number,
  kind: 'request' | 'response',
): boolean {
  const x = bodyAt(a, ar, kind);
  const y = bodyAt(b, br, kind);
  if (!x || !y || x[1] !== y[1] || x[0] + x[1] > a.u8.byteLength || y[0] + y[1] > b.u8.byteLength) return false;
  return Buffer.compare(a.u8.subarray(x[0], x[0] + x[1]), b.u8.subarray(y[0], y[0] + y[1])) === 0;
}

/** Leave a record's body out (the receiver keeps its own copy): a request's becomes none, a response's empty. */
export function dropBody(mem: { u8: Uint8Array; u32: Uint32Array }, rec: number, kind: 'request' | 'response'): void {
  if (kind === 'request') mem.u8[rec + REQUEST.bodyTag] = 0;
  else mem.u32[((rec + RESPONSE.body) >>> 2) + 1] = 0;
}

/** Append a response to host memory (after a request phase's snapshots); returns its pointer. */
export function appendResponse(mem: HostMemory, resp: WitResponse): number {
  lowerResponse(mem, resp, flat, 0);
  return storeResponse(mem, flat);
}
