// The sandbox's cost: two workloads of bundled middleware, each as a fused pipeline with
// the sandbox on (the defaults: a 1 s deadline enforced by the watchdog, a 64 MiB memory
// cap), on with the deadline by fuel instead (`interrupt: 'fuel'`: the cores rewritten to
// count work), and off (`timeoutMs: 0, maxMemoryBytes: 0`: nothing rewritten, no deadline),
// run interleaved, the order rotating per repetition; medians, and each ÷ off. Timed in CPU
// time of this process (the machine is shared: wall time moves with other people's load).
import { createHmac } from 'node:crypto';
import { pipeline, stage, type Stage, type WitRequest } from '../../src/index.js';
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
  const variants = {
    on: (s: Stage) => s,
    fuel: (s: Stage) => stage({ ...s, interrupt: 'fuel' }),
    off: (s: Stage) => stage({ ...s, timeoutMs: 0, maxMemoryBytes: 0 }),
  };
  type Variant = keyof typeof variants;
  const order = Object.keys(variants) as Variant[];
  for (const [name, w] of Object.entries(workloads)) {
    for (const v of order) {
      const p = pipeline(w.stages().map(variants[v]), { handler: () => answer, logger: quiet });
      await p.ready();
      const want = v === 'off' ? 'none' : v === 'fuel' ? 'fuel' : 'watchdog';
      if (p.describe().stages.some((s) => s.interrupt !== want)) throw new Error(`sandbox ${name} (${v}): expected interrupt ${want}`);
      const check = await p.handle(w.request(), ctx);
      if (check.status !== 200) throw new Error(`sandbox ${name} (${v}): status ${check.status}`);
      runs.set(`${name}:${v}`, { run: () => p.handle(w.request(), ctx), close: () => p.close() });
    }
  }
  const samples = new Map<string, number[]>();
  // More repetitions than the other sections: the differences sought are a few percent.
  const reps = Math.max(REPS, 15);
  for (let rep = 0; rep < reps; rep++) {
    for (const name of Object.keys(workloads)) {
      // Rotate the order per repetition: no variant always runs first (or after another).
      for (let k = 0; k < order.length; k++) {
        const key = `${name}:${order[(k + rep) % order.length]}`;
        samples.set(key, [...(samples.get(key) ?? []), await cpuNsPerRequest(runs.get(key)!.run, ITER)]);
      }
    }
  }
  for (const r of runs.values()) await r.close();
  return Object.keys(workloads).map((name) => {
    const of = (v: Variant) => samples.get(`${name}:${v}`)!;
    const off = median(of('off'));
    // Per repetition too: x ÷ off of the same round, whose median is robust to a busy machine.
    const paired = (v: Variant) => +median(of(v).map((x, i) => x / of('off')[i])).toFixed(3);
    return {
      workload: name,
      onNs: Math.round(median(of('on'))),
      fuelNs: Math.round(median(of('fuel'))),
      offNs: Math.round(off),
      ratio: +(median(of('on')) / off).toFixed(3),
      pairedRatio: paired('on'),
      fuelRatio: +(median(of('fuel')) / off).toFixed(3),
      fuelPairedRatio: paired('fuel'),
    };
  });
}

export function sandboxTable(rows: Awaited<ReturnType<typeof sandboxCost>>, machine: string): string {
  return [
    `Sandbox cost (deadline + memory cap, on against off; on: the defaults, the deadline by the watchdog; fuel: \`interrupt: 'fuel'\`; fused; CPU µs per request, median of ≥ 15 interleaved repetitions), ${machine}:`,
    '',
    '| workload | on (watchdog) CPU µs | fuel CPU µs | off CPU µs | on ÷ off | paired on ÷ off | fuel ÷ off | paired fuel ÷ off |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) => `| ${r.workload} | ${fmt(r.onNs)} | ${fmt(r.fuelNs)} | ${fmt(r.offNs)} | ${r.ratio} | ${r.pairedRatio} | ${r.fuelRatio} | ${r.fuelPairedRatio} |`,
    ),
    '',
  ].join('\n');
}
