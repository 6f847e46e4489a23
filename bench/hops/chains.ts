// Chains of 1–16 stages in four modes, on the same reference request, interleaved,
// medians of several repetitions:
//   jco    — jco's generated bindings, per hop (awaited)
//   codec  — witline's codec over the core exports, per hop (awaited)
//   fused  — adjacent stages fused: memory-to-memory hops, no awaits inside
//   js     — plain JS functions doing the same work, per hop (awaited)
import { pipeline, stage, type WitRequest, type WitResponse } from '../../src/index.js';
import { bundledComponent } from '../../src/middleware/bundled.js';
import { ITER, REPS, answer, ctx, fmt, median, nsPerRequest, progress, quiet, reference } from './common.js';

export const LENGTHS = [1, 2, 4, 8, 16];
// The chains are the section the targets read (the marginal cost, per-hop ÷ fused): at
// least 11 repetitions of at least 1,000 requests each, whatever BENCH_REPS says. With 5 of
// 250 (a 16-stage sample was ~5 ms), one disturbed sample moved a 16-stage median by 50%
// and the slope with it; the section still takes ~15 s.
export const CHAIN_REPS = Math.max(REPS, 11);
export type Mode = 'jco' | 'codec' | 'fused' | 'js';
export const MODES: Mode[] = ['jco', 'codec', 'fused', 'js'];

function setHeader(h: Array<[string, string]>, name: string, value: string): Array<[string, string]> {
  const out = h.filter(([k]) => k.toLowerCase() !== name);
  out.push([name, value]);
  return out;
}

/** A runner for `n` stages in a mode: returns a function handling one request. */
async function runner(mode: Mode, n: number): Promise<{ run: () => Promise<unknown>; close: () => Promise<void> }> {
  if (mode === 'js') {
    const stages = Array.from({ length: n }, (_, i) => ({
      onRequest: async (req: WitRequest) => ({ tag: 'next' as const, val: { ...req, headers: setHeader(req.headers, 'x-echo-trail', `t${i}`) } }),
      onResponse: async (_req: WitRequest, resp: WitResponse) => ({ ...resp, headers: setHeader(resp.headers, 'x-echo', `t${i}`) }),
    }));
    return {
      async run() {
        let req = reference();
        const seen: WitRequest[] = [];
        for (const s of stages) {
          seen.push(req);
          req = (await s.onRequest(req)).val;
        }
        let resp = answer;
        for (let i = stages.length - 1; i >= 0; i--) resp = await stages[i].onResponse(seen[i], resp);
        return resp;
      },
      close: async () => {},
    };
  }
  const stages = Array.from({ length: n }, (_, i) =>
    stage({ component: bundledComponent('echo'), config: { tag: `t${i}`, trail: 'set' }, capabilities: ['log'] }),
  );
  const p = pipeline(stages, { handler: () => answer, logger: quiet, binding: mode === 'jco' ? 'jco' : 'codec', fusion: mode === 'fused' ? 'auto' : 'off' });
  await p.ready();
  const check = await p.handle(reference(), ctx);
  if (check.status !== 200 || !check.headers.some(([k, v]) => k === 'x-echo' && v === 't0')) throw new Error(`${mode}: wrong answer`);
  return { run: () => p.handle(reference(), ctx), close: () => p.close() };
}

/** Least-squares slope of ns over chain length: the marginal cost of one more stage (per repetition; see chains()). */
function slope(points: Array<[number, number]>): number {
  const mx = points.reduce((a, [x]) => a + x, 0) / points.length;
  const my = points.reduce((a, [, y]) => a + y, 0) / points.length;
  const num = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const den = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return num / den;
}

export type Chains = Record<Mode, { ns: Record<number, number>; marginalNs: number }>;

export async function chains(): Promise<Chains> {
  const runners = new Map<string, Awaited<ReturnType<typeof runner>>>();
  progress(`loading ${MODES.length * LENGTHS.length} chains (${MODES.join(', ')} × ${LENGTHS.join(', ')} stages)`);
  for (const mode of MODES) for (const n of LENGTHS) runners.set(`${mode}:${n}`, await runner(mode, n));
  const samples = new Map<string, number[]>();
  for (let rep = 0; rep < CHAIN_REPS; rep++) {
    for (const [i, n] of LENGTHS.entries()) {
      progress(`chains: rep ${rep + 1}/${CHAIN_REPS}, ${n} stage${n > 1 ? 's' : ''} [${i + 1}/${LENGTHS.length}], modes ${MODES.join(', ')}`);
      for (const mode of MODES) {
        const key = `${mode}:${n}`;
        const ns = await nsPerRequest(runners.get(key)!.run, Math.max(1000, Math.round(ITER / n)));
        samples.set(key, [...(samples.get(key) ?? []), ns]);
      }
    }
  }
  for (const r of runners.values()) await r.close();
  const result: Chains = {} as never;
  for (const mode of MODES) {
    const ns: Record<number, number> = {};
    for (const n of LENGTHS) ns[n] = Math.round(median(samples.get(`${mode}:${n}`)!));
    // The slope of each repetition's own samples (taken within ~1.5 s of each other), then
    // their median: a slow spell of the machine moves the repetitions it falls in, not the
    // median of one chain length (which a slope over the medians then carries).
    const slopes = Array.from({ length: CHAIN_REPS }, (_, r) => slope(LENGTHS.map((n) => [n, samples.get(`${mode}:${n}`)![r]])));
    result[mode] = { ns, marginalNs: Math.round(median(slopes)) };
  }
  return result;
}

/** Per-hop (codec) marginal cost over the fused one: what fusion saves per stage. */
export const perHopOverFused = (c: Chains) => +(c.codec.marginalNs / c.fused.marginalNs).toFixed(2);

/** The results file's heading and the chains table (µs per request). */
export const chainsTable = (c: Chains, machine: string) => [
  `# bench/hops — µs per request (median of ${CHAIN_REPS}), ${machine}`,
  '',
  `| mode | ${LENGTHS.map((n) => `${n} stage${n > 1 ? 's' : ''}`).join(' | ')} | marginal µs/stage |`,
  `| --- | ${LENGTHS.map(() => '---:').join(' | ')} | ---: |`,
  ...MODES.map((m) => `| ${m} | ${LENGTHS.map((n) => fmt(c[m].ns[n])).join(' | ')} | ${fmt(c[m].marginalNs)} |`),
  '',
  `- marginal: each repetition's least-squares slope over the chain lengths, median of the ${CHAIN_REPS}`,
  `- per-hop (codec) marginal ÷ fused marginal: **${perHopOverFused(c)}×**`,
  // Each echo stage is called twice per request (its request and its response phase).
  `- per-hop (codec) per stage call (request or response phase): **${fmt(c.codec.marginalNs / 2)} µs**`,
];
