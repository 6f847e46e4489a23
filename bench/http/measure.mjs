// One autocannon run against one server, with its answers checked as they arrive.
import autocannon from 'autocannon';
import { expectedBody, headerRecord, problemWith } from './check.mjs';
import { PATH } from './workload.mjs';

// Headers of one response in HEADER_SAMPLE are checked in full (bodies: every one).
const HEADER_SAMPLE = 16;

/**
 * Load `url` for `seconds` with `connections` keep-alive connections. Resolves to the
 * numbers and a count of wrong answers of every kind autocannon and the checks see.
 */
export function measure(server, url, load, { seconds, connections }) {
  let seen = 0;
  let badHeaders = 0;
  let firstProblem = null;
  // autocannon's own latency histogram keeps whole milliseconds; its per-response
  // timings are exact (hrtime), so percentiles come from those.
  const times = [];
  const instance = autocannon({
    url: url + PATH,
    method: load.method,
    headers: load.headers,
    body: load.body,
    connections,
    pipelining: 1,
    duration: seconds,
    timeout: 10,
    expectBody: expectedBody(server),
    setupClient(client) {
      client.on('response', (_status, _bytes, ms) => times.push(ms));
      client.on('headers', (info) => {
        if (seen++ % HEADER_SAMPLE !== 0) return;
        const p = problemWith(server, info.statusCode, undefined, headerRecord(info.headers));
        if (p) {
          badHeaders++;
          firstProblem ??= p;
        }
      });
      client.on('mismatch', (body) => (firstProblem ??= problemWith(server, 200, body, { 'content-type': 'application/json' }) ?? 'body mismatch'));
    },
  });
  return new Promise((resolve, reject) => {
    instance.on('done', (r) => {
      resolve({
        reqPerSec: r.requests.average,
        requests: r.requests.total,
        p50: percentile(times, 0.5),
        p99: percentile(times, 0.99),
        errors: r.errors,
        timeouts: r.timeouts,
        non2xx: r.non2xx,
        mismatches: r.mismatches,
        headerChecks: Math.ceil(seen / HEADER_SAMPLE),
        badHeaders,
        firstProblem,
      });
    });
    instance.on('error', reject);
  });
}

/** The q-quantile of `xs` (sorted in place), in ms to two decimals. */
function percentile(xs, q) {
  if (xs.length === 0) return null;
  const sorted = Float64Array.from(xs).sort();
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] * 100) / 100;
}

/** Wrong answers in a run, as readable problems (empty: every answer right). */
export function runProblems(m) {
  const out = [];
  for (const k of ['errors', 'timeouts', 'non2xx', 'mismatches', 'badHeaders']) if (m[k] > 0) out.push(`${m[k]} ${k}`);
  if (m.requests === 0) out.push('no requests completed');
  if (out.length && m.firstProblem) out.push(`first: ${m.firstProblem}`);
  return out;
}
