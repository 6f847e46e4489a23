// Summaries of the runs, and the results written as JSON and a markdown table.
import { cpus, totalmem, release, platform, loadavg } from 'node:os';
import { BASELINE } from './servers.mjs';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? null : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

/** The machine a run came from (printed with every table: numbers mean little without it). */
export function machine() {
  const c = cpus();
  return {
    cpu: c[0]?.model?.trim() ?? 'unknown',
    cores: c.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${platform()} ${release()}`,
    loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** One row per server: medians over the measured repetitions, and whether every answer was right. */
export function summarize(servers, runs, rss, problems) {
  const rows = servers.map((s) => {
    const mine = runs.filter((r) => r.id === s.id);
    const valid = (problems.get(s.id) ?? []).length === 0;
    return {
      id: s.id,
      name: s.name,
      reqPerSec: Math.round(median(mine.map((r) => r.reqPerSec)) ?? 0),
      reqPerSecReps: mine.map((r) => Math.round(r.reqPerSec)),
      p50Ms: median(mine.map((r) => r.p50)),
      p99Ms: median(mine.map((r) => r.p99)),
      cpuShare: mine.some((r) => r.cpuShare == null) ? null : Math.round(median(mine.map((r) => r.cpuShare)) * 100) / 100,
      reqPerCpuSec: mine.some((r) => r.reqPerCpuSec == null) ? null : Math.round(median(mine.map((r) => r.reqPerCpuSec))),
      peakRssMiB: rss.get(s.id) == null ? null : Math.round(rss.get(s.id) * 10) / 10,
      requests: mine.reduce((a, r) => a + r.requests, 0),
      valid,
      problems: problems.get(s.id) ?? [],
    };
  });
  const base = rows.find((r) => r.id === BASELINE);
  for (const r of rows) r.ratioToBaseline = base?.reqPerSec ? Math.round((r.reqPerSec / base.reqPerSec) * 100) / 100 : null;
  return rows;
}

/** The issue's targets, evaluated on the measured rows (reported, never asserted). */
/** The median over repetitions of x's req/s ÷ y's in the same repetition; null without runs. */
function pairedRatio(runs, x, y) {
  const of = (id) => new Map(runs.filter((r) => r.id === id).map((r) => [r.rep, r.reqPerSec]));
  const a = of(x);
  const b = of(y);
  const ratios = [...a].filter(([rep]) => b.has(rep)).map(([rep, v]) => v / b.get(rep));
  if (ratios.length === 0) return null;
  ratios.sort((p, q) => p - q);
  return ratios[Math.floor(ratios.length / 2)];
}

export function targets(rows, runs = []) {
  const by = Object.fromEntries(rows.map((r) => [r.id, r]));
  const { b, c, d, f } = by;
  if (!b || !f) return [];
  // The same ratio per CPU-second alongside: on a shared machine it is the steadier one.
  const ratio = (x, y, pct) => {
    const r = (v, w) => (pct ? `${Math.round((v / w) * 100)}%` : `${(v / w).toFixed(2)}×`);
    return `${r(x.reqPerSec, y.reqPerSec)}${x.reqPerCpuSec && y.reqPerCpuSec ? ` (per CPU-s: ${r(x.reqPerCpuSec, y.reqPerCpuSec)})` : ''}`;
  };
  // Issue 10's targets: witline fused at least as fast as the same logic in plain JS and in Fastify, toExpress as Express.
  const out = [{ target: 'witline fused ≥ 1.0 × (b) req/s', value: ratio(f, b), met: f.reqPerSec >= b.reqPerSec }];
  if (d) out.push({ target: 'witline fused ≥ 1.0 × Fastify (d) req/s', value: ratio(f, d), met: f.reqPerSec >= d.reqPerSec });
  out.push({ target: 'witline fused p99 ≤ 1.2 × (b) p99', value: `${f.p99Ms} ms vs ${b.p99Ms} ms`, met: f.p99Ms <= 1.2 * b.p99Ms });
  if (c && by.h) out.push({ target: 'witline behind Express (h) ≥ 1.0 × Express 5 (c) req/s', value: ratio(by.h, c), met: by.h.reqPerSec >= c.reqPerSec });
  if (by.i) out.push({ target: 'with an OpenTelemetry SDK registered (i), for reference: × (f)', value: ratio(by.i, f), met: null });
  // Issue 11: the sandbox's defaults (deadline + memory cap) cost at most 5% against off.
  // Judged on the median of the per-repetition ratios: each repetition measures (f) and (j)
  // minutes apart at most, so a machine that slows down for a while moves both.
  if (by.j) {
    const paired = pairedRatio(runs, 'f', 'j');
    out.push({
      target: 'sandbox on (f) ≥ 0.95 × sandbox off (j) req/s (median of the per-repetition ratios)',
      value: `${paired === null ? '–' : `${paired.toFixed(2)}×`}; of the medians: ${ratio(f, by.j)}`,
      met: paired === null ? null : paired >= 0.95,
    });
  }
  return out;
}

// What each row's number does and does not include, under the table.
const NOTES = [
  ['a', "(a) is the handler alone: no auth, limit or transform, so its body lacks the transform's field and it sends no RateLimit-* headers."],
  [
    'b',
    'Every other row runs the same workload: GET with an HS256 bearer token (signature and exp checked), a token bucket keyed by `x-client-id` with a budget no run exhausts (every request still reads, refills and writes its bucket), a ~1.1 KB JSON body serialised per request, a response header and a JSON field added. (b)–(d) share the logic in `bench/http/logic.mjs`.',
  ],
  ['c', "(c) and (h) keep Express's defaults (ETag, X-Powered-By)."],
  [
    'g',
    '(g) also verifies an HMAC-SHA256 signature over a 4 KiB POST body, on a piscina pool of one worker (the server has one core): compare it with (f) for the price of the worker hop and the hashing, not with (b).',
  ],
  ['h', "(h) is (f)'s stages mounted with `app.use(toExpress(p))` in front of an Express route."],
  [
    'i',
    '(i) is (f) with an OpenTelemetry SDK registered: a span per request and per stage call (batched, exported to a no-op exporter) and the request and stage metrics recorded: compare it with (f) for the price of tracing.',
  ],
  [
    'j',
    '(j) is (f) with the sandbox off (`timeoutMs: 0, maxMemoryBytes: 0`): compare it with (f) for the price of the defaults (a 1 s deadline enforced by the watchdog, a 64 MiB memory cap).',
  ],
  [
    'k',
    "(k)–(m) take (h) apart (`node bench/http/run.mjs --only c,h,k,l,m`): (h)'s Express app with only its route (k), with `toExpress` of a pipeline of no stage (l), and of one stage with a response phase, transform setting the response header (m). No auth runs in them: the route reports a fixed subject.",
  ],
];

/** With (c), (h) and (k)–(m) measured: where (h)'s time per request goes, part by part. */
function partsLine(rows) {
  const us = Object.fromEntries(rows.filter((r) => r.reqPerSec > 0).map((r) => [r.id, 1e6 / r.reqPerSec]));
  if (!['c', 'h', 'k', 'l', 'm'].every((id) => us[id] !== undefined)) return null;
  const d = (a, b) => `${(us[a] - us[b]).toFixed(1)} µs`;
  return (
    `(h) taken apart, per request (1 / req/s, medians): the adapter passing a request through (l − k) ${d('l', 'k')}; ` +
    `holding the response back, with one small stage (m − l) ${d('m', 'l')}; the three stages past that (h − m) ${d('h', 'm')}, ` +
    `against Express's own middleware for them (c − k) ${d('c', 'k')}; (h) − (c) ${d('h', 'c')}.`
  );
}

const fmt = (n) => (n == null ? '–' : Number(n).toLocaleString('en-US'));

/** The markdown table (and the machine, settings and targets under it). */
export function markdown({ rows, machine: m, settings, targets: t }) {
  const lines = [
    `| | server | req/s | × (${BASELINE}) | p50 ms | p99 ms | peak RSS MiB | server CPU | req per CPU-s | answers |`,
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map(
      (r) =>
        `| ${r.id} | ${r.name} | ${fmt(r.reqPerSec)} | ${r.ratioToBaseline == null ? '–' : r.ratioToBaseline.toFixed(2)} | ${fmt(r.p50Ms)} | ${fmt(r.p99Ms)} | ${fmt(r.peakRssMiB)} | ${r.cpuShare == null ? '–' : `${Math.round(r.cpuShare * 100)}%`} | ${fmt(r.reqPerCpuSec)} | ${r.valid ? `all ${fmt(r.requests)} right` : `**INVALID**: ${r.problems.join('; ')}`} |`,
    ),
    '',
    `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.os}; load average ${m.loadAverageAtStart.join(' ')} at start${m.loadAverageAtEnd ? `, ${m.loadAverageAtEnd.join(' ')} at end` : ''}.`,
    `${settings.pinned ? 'Each server pinned to core 1, the load generator to core 0 (taskset)' : 'Not pinned (no taskset or one core)'}; ` +
      `${settings.connections} connections, no pipelining; ${settings.warmupSec} s warm-up, then ${settings.reps} × ${settings.durationSec} s per server, interleaved round-robin; medians over the repetitions. ` +
      `Server CPU: the share of its core the server used while loaded (well below 100%: it waited, for the load generator or for a core another process took); req per CPU-s: requests per second of that CPU, which a busy machine disturbs less than req/s.`,
  ];
  lines.push('', ...NOTES.filter((n) => rows.some((r) => r.id === n[0])).map(([, n]) => `- ${n}`));
  const parts = partsLine(rows);
  if (parts) lines.push('', parts);
  if (t.length) {
    lines.push(
      '',
      '| target | measured | met |',
      '| --- | --- | --- |',
      ...t.map((x) => `| ${x.target} | ${x.value} | ${x.met === null ? '–' : x.met ? 'yes' : 'no'} |`),
    );
  }
  return lines.join('\n') + '\n';
}
