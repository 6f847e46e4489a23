// The entry of a pool's worker threads. A worker is just another thread running the same
// code as the main thread: it builds its own guest instances from the compiled modules
// in `workerData` and runs the pooled stages as one fused segment (segment/fused.ts),
// with the request entering from, and every result copied back into, the host memory
// that arrived with the task, which is then transferred back.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, parentPort, workerData } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { copyResponse } from '../abi/hop.js';
import { HostMemory } from '../abi/host-memory.js';
import { REQUEST_FLAT } from '../abi/layout.js';
import type { Transpiled } from '../component/cache.js';
import { Guest } from '../component/guest.js';
import { CallContext } from '../host/call-context.js';
import type { HostServices } from '../host/imports.js';
import { serializeError } from '../core/errors.js';
import { FusedSegment, held, type Exit, type FusedState } from '../segment/fused.js';
import { seenFromWire, seenToWire } from '../segment/kept.js';
import { markStarted } from './deadline.js';
import { HostClient, proxyClock, proxyKv, proxyLogger } from './kv-proxy.js';
import {
  dropBody,
  sameBody,
  storeResponse,
  type RequestTask,
  type ResponseTask,
  type Task,
  type TaskResult,
  type WorkerData,
  type WorkerStage,
} from './wire.js';

/** Open this worker's host port: the main thread serves kv, clock and log calls on it. */
function connectHost(): HostClient {
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  parentPort!.postMessage({ witlineHost: port2, flag }, [port2]);
  return new HostClient(port1, flag);
}

/** A Transpiled rebuilt from what the main thread sent; jco's glue is imported only if needed. */
function transpiledOf(c: WorkerStage['component']): Transpiled {
  return {
    key: c.key,
    dir: c.dir,
    wit: c.wit,
    codec: c.codec,
    canon: c.canon,
    cores: new Map(c.cores),
    transpiled: false,
    transpileMs: 0,
    compileMs: 0,
    async instantiate(...args) {
      const js = readdirSync(c.dir).find((f) => f.endsWith('.js'));
      if (!js) throw new Error(`transpile cache entry ${c.dir} has no module`);
      const mod = (await import(pathToFileURL(join(c.dir, js)).href)) as Pick<Transpiled, 'instantiate'>;
      return mod.instantiate(...args);
    },
  };
}

/** A transferable result: piscina moves `buf` back instead of copying it. */
function moved(result: TaskResult): unknown {
  if (!('buf' in result)) return result;
  return move({ [transferableSymbol]: [result.buf], [valueSymbol]: result } as never);
}

async function init(): Promise<(task: Task) => Promise<unknown>> {
  const data = workerData as WorkerData;
  const client = connectHost();
  const board = { slots: new Int32Array(data.board.buffer), base: data.board.base };
  const host: HostServices = {
    kv: proxyKv(client, ''),
    clock: data.proxyClock ? proxyClock(client) : Date.now,
    logger: proxyLogger(client),
    call: new CallContext(),
  };
  const guests = await Promise.all(
    data.stages.map((s) =>
      Guest.create({
        stage: s.name,
        component: transpiledOf(s.component),
        config: s.config,
        capabilities: s.capabilities,
        phases: s.phases,
        // Each stage's kv calls carry its name (the main thread counts store failures per stage).
        host: { ...host, kv: proxyKv(client, s.name) },
        binding: 'codec',
      }),
    ),
  );
  const segment = new FusedSegment(guests, host.call);
  const index = new Map(guests.map((g, i) => [g, i]));
  const keepsState = guests.some((g) => g.spec.phases.response);
  const flat = new Int32Array(REQUEST_FLAT);

  // Exits: copy what leaves the segment into the task's memory. Once nothing in it is
  // needed any more (no response phase to come), it is reset first, so it does not grow.
  // A body that went through unchanged (a verifier's, typically) is not sent back: the
  // main thread keeps its own, sparing it a copy of every large body.
  type Out = { rec: number; stage: number; sameBody: boolean };
  const nextInto =
    (mem: HostMemory, keep: boolean, origin: number): Exit<Out> =>
    (v) => {
      const same = sameBody(mem, origin, v.mem, v.rec, 'request');
      // Marked in the guest's own record, about to be released: the copy then skips the body.
      if (same) dropBody(v.mem, v.rec, 'request');
      if (!keep) mem.reset();
      const rec = mem.takeRequest(v.mem, v.rec, flat);
      return { rec, stage: index.get(v.guest!)!, sameBody: same };
    };
  const answerInto =
    (mem: HostMemory, origin: number): Exit<Out> =>
    (v) => {
      const same = origin >= 0 && sameBody(mem, origin, v.mem, v.rec, 'response');
      if (same) dropBody(v.mem, v.rec, 'response');
      mem.reset();
      copyResponse(v.mem, v.rec, mem, flat, 0);
      const rec = storeResponse(mem, flat);
      return { rec, stage: index.get(v.guest!)!, sameBody: same };
    };
  const unchanged: Out = { rec: -1, stage: -1, sameBody: false };

  function requestPhase(mem: HostMemory, task: RequestTask): TaskResult {
    const state: FusedState = { entered: [], snap: mem };
    const out = segment.runRequest(state, held(mem, task.rec), nextInto(mem, keepsState, task.rec), answerInto(mem, -1));
    if ('respond' in out) return { kind: 'respond', buf: mem.u8.buffer as ArrayBuffer, used: mem.used, ...out.respond, replaced: [] };
    const entered = keepsState ? state.entered.flatMap((e) => [index.get(e.guest)!, seenToWire(e.seen)]) : null;
    return { kind: 'next', buf: mem.u8.buffer as ArrayBuffer, used: mem.used, ...(out.next ?? unchanged), entered, replaced: [] };
  }

  function responsePhase(mem: HostMemory, task: ResponseTask): TaskResult {
    const entered: FusedState['entered'] = [];
    for (let i = 0; i < task.entered.length; i += 2) {
      entered.push({ guest: guests[task.entered[i]], seen: seenFromWire(task.entered[i + 1]) });
    }
    const out = segment.runResponse({ entered, snap: mem }, held(mem, task.resp), undefined, answerInto(mem, task.resp));
    return { kind: 'response', buf: mem.u8.buffer as ArrayBuffer, used: mem.used, ...(out ?? unchanged), replaced: [] };
  }

  return async function handle(task: Task): Promise<unknown> {
    if (task.kind === 'ping') return { kind: 'pong' } satisfies TaskResult;
    markStarted(board, task.slot);
    const before = guests.map((g) => g.replaced);
    try {
      await segment.whenLive();
      const mem = new HostMemory(task.buf, task.used);
      // The task's request is current for the synchronous run of the phase, and only then.
      const outer = host.call.enter({ remoteAddress: task.remoteAddress });
      try {
        return moved(task.kind === 'request' ? requestPhase(mem, task) : responsePhase(mem, task));
      } finally {
        host.call.leave(outer);
      }
    } catch (err) {
      const replaced = guests.flatMap((g, i) => (g.replaced > before[i] ? [i] : []));
      // As data: the main thread rebuilds it by code, as its class (see rebuildError).
      return { kind: 'error', ...serializeError(err), replaced } satisfies TaskResult;
    }
  };
}

// piscina awaits a promised handler before the worker takes tasks.
export default init();
