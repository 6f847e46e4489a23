// The sandbox's cost: two workloads of bundled middleware, each as a fused pipeline with
// the sandbox on (defaults: a 1 s deadline by fuel, a 64 MiB memory cap) and off
// (`timeoutMs: 0, maxMemoryBytes: 0`: the cores are not rewritten), run interleaved, the
// order of on and off alternating per repetition; medians, and on ÷ off. Timed in CPU time
// of this process (the machine is shared: wall time moves with other people's load).
import { createHmac } from 'node:crypto';
import { pipeline, stage, type WitRequest } from '../../src/index.js';
import { auth } from '../../src/middleware/auth.js';
import { signature } from '../../src/middleware/signature.js';
import { rateLimit } from '../../src/middleware/rate-limit.js';
import { transform } from '../../src/middleware/transform.js';
// The HTTP benchmark's workload (a plain .mjs module), shared
import { benchToken, CLIENT_HEADER, CLIENT_ID, PATH, RATE, SECRET } from '../http/workload.mjs';
import { ITER, REPS, answer, cpuNsPerRequest, ctx, fmt, median, quiet } from './common.js';

export async function sandboxCost() {
  const token = benchToken();
  const signedBody = new Uint8Array(4096).fill(0x62);
  const sigSecret = 'bench-signature-secret';
  const sig = `sha256=${createHmac('sha256', sigSecret).update(signedBody).digest('hex')}`;
  const workloads = {
    'auth + rateLimit + transform (bench/http)': {
      stages: () => [
        auth({ secret: SECRET }),
        rateLimit({ ...RATE, key: { header: CLIENT_HEADER } }),
        transform({ response: { setHeaders: { 'x-served-by': 'bench' } } }),
      ],
      request: (): WitRequest => ({
        method: 'GET',
        uri: PATH,
        headers: [
          ['authorization', `Bearer ${token}`],
          [CLIENT_HEADER, CLIENT_ID],
          ['accept', 'application/json'],
        ],
      }),
    },
    'signature, HMAC-SHA256 over 4 KiB': {
      stages: () => [signature({ secret: sigSecret })],
      request: (): WitRequest => ({ method: 'POST', uri: PATH, headers: [['x-hub-signature-256', sig]], body: signedBody }),
    },
  };
  type Run = () => Promise<unknown>;
  const runs = new Map<string, { run: Run; close: () => Promise<void> }>();
  for (const [name, w] of Object.entries(workloads)) {
    for (const on of [true, false]) {
      const stages = w.stages().map((s) => (on ? s : stage({ ...s, timeoutMs: 0, maxMemoryBytes: 0 })));
      const p = pipeline(stages, { handler: () => answer, logger: quiet });
      await p.ready();
      const check = await p.handle(w.request(), ctx);
      if (check.status !== 200) throw new Error(`sandbox ${name} (${on ? 'on' : 'off'}): status ${check.status}`);
      runs.set(`${name}:${on}`, { run: () => p.handle(w.request(), ctx), close: () => p.close() });
    }
  }
  const samples = new Map<string, number[]>();
  const reps = Math.max(REPS, 7);
  for (let rep = 0; rep < reps; rep++) {
    for (const name of Object.keys(workloads)) {
      for (const on of rep % 2 ? [false, true] : [true, false]) {
        const key = `${name}:${on}`;
        samples.set(key, [...(samples.get(key) ?? []), await cpuNsPerRequest(runs.get(key)!.run, ITER)]);
      }
    }
  }
  for (const r of runs.values()) await r.close();
  return Object.keys(workloads).map((name) => {
    const on = median(samples.get(`${name}:true`)!);
    const off = median(samples.get(`${name}:false`)!);
    // Per repetition too: on ÷ off of the pair run back to back, whose median is robust to a busy machine.
    const pairs = samples.get(`${name}:true`)!.map((x, i) => x / samples.get(`${name}:false`)![i]);
    return { workload: name, onNs: Math.round(on), offNs: Math.round(off), ratio: +(on / off).toFixed(3), pairedRatio: +median(pairs).toFixed(3) };
  });
}

export function sandboxTable(rows: Awaited<ReturnType<typeof sandboxCost>>, machine: string): string {
  return [
    `Sandbox cost (deadline by fuel + memory cap, on against off; fused; CPU µs per request, median of ≥ 7 interleaved repetitions), ${machine}:`,
    '',
    '| workload | on CPU µs | off CPU µs | on ÷ off | median of paired on ÷ off |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.workload} | ${fmt(r.onNs)} | ${fmt(r.offNs)} | ${r.ratio} | ${r.pairedRatio} |`),
    '',
  ].join('\n');
}
