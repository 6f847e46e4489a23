// What counts as a right answer. A benchmark of wrong answers counts for nothing, so
// every server is checked three ways: a preflight (the exact response, and that auth
// really refuses a missing or forged token), every body during load (autocannon's
// expectBody), and the headers of a sample of responses during load.
import { EXPECTED_BODY, handlerBody, PATH, RATE, SERVED_BY, SUBJECT } from './workload.mjs';

/** The body a server's answers must equal, by what its row runs. */
export function expectedBody(server) {
  return server.expect === 'bare' ? handlerBody(SUBJECT) : EXPECTED_BODY;
}

/** Why a response is wrong, or null. `headers`: lower-cased names to values. */
export function problemWith(server, status, body, headers) {
  if (status !== 200) return `status ${status}, expected 200`;
  if (body !== undefined && body !== expectedBody(server))
    return `body differs from the expected ${expectedBody(server).length} bytes: ${String(body).slice(0, 120)}`;
  const ct = headers['content-type'];
  if (typeof ct !== 'string' || !ct.startsWith('application/json')) return `content-type ${ct}`;
  if (server.expect === 'bare') return null;
  if (headers[SERVED_BY[0]] !== SERVED_BY[1]) return `${SERVED_BY[0]}: ${headers[SERVED_BY[0]]}, expected ${SERVED_BY[1]}`;
  if (headers['ratelimit-limit'] !== String(RATE.burst)) return `ratelimit-limit: ${headers['ratelimit-limit']}`;
  if (!/^\d+$/.test(headers['ratelimit-remaining'] ?? '')) return `ratelimit-remaining: ${headers['ratelimit-remaining']}`;
  return null;
}

/** Lower-case a raw header list [k, v, k, v, ...] into a record (repeats joined). */
export function headerRecord(raw) {
  const out = {};
  for (let i = 0; i < raw.length; i += 2) {
    const k = String(raw[i]).toLowerCase();
    out[k] = k in out ? `${out[k]}, ${raw[i + 1]}` : String(raw[i + 1]);
  }
  return out;
}

/**
 * Before any load: the exact answer to the benchmark request, and (for rows with
 * middleware) 401 without a token and with a forged one, so a server that skipped
 * auth cannot pass. Returns a list of problems (empty: good).
 */
export async function preflight(server, url, load) {
  const problems = [];
  const send = async (headers, body = load.body) => {
    const res = await fetch(url + PATH, { method: load.method, headers, body });
    const text = await res.text();
    const h = {};
    res.headers.forEach((v, k) => (h[k] = v));
    return { status: res.status, text, headers: h };
  };
  const ok = await send(load.headers);
  const p = problemWith(server, ok.status, ok.text, ok.headers);
  if (p) problems.push(`benchmark request: ${p}`);
  if (server.expect === 'bare') return problems;

  const { authorization, ...anonymous } = load.headers;
  const none = await send(anonymous);
  if (none.status !== 401) problems.push(`without a token: status ${none.status}, expected 401`);
  // Change the signature's first character, whose six bits all count: its last one
  // carries two padding bits that a lenient base64url decoder (Node's Buffer) ignores,
  // so 'A' → 'B' there would decode to the same signature (1 token in 16).
  const dot = authorization.lastIndexOf('.') + 1;
  const flipped = authorization[dot] === 'A' ? 'B' : 'A';
  const forged = authorization.slice(0, dot) + flipped + authorization.slice(dot + 1);
  const bad = await send({ ...load.headers, authorization: forged });
  if (bad.status !== 401) problems.push(`with a forged token: status ${bad.status}, expected 401`);
  for (const extra of load.negative ?? []) {
    const r = await send({ ...load.headers, ...extra.headers }, extra.body ?? load.body);
    if (r.status !== extra.status) problems.push(`${extra.what}: status ${r.status}, expected ${extra.status}`);
  }
  return problems;
}
