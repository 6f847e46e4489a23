// SHA-256 per 64-byte block, guest vs node:crypto, in CPU ns per block: the signature stage
// verifying bodies through `p.inject()`, less the same loop through a request-only
// pass-through stage (the cost of carrying the request), against node:crypto's HMAC of
// the same bytes (createHmac to digest), interleaved.
import { createHmac } from 'node:crypto';
import { pipeline } from '../../src/index.js';
import { auth } from '../../src/middleware/auth.js';
import { signature } from '../../src/middleware/signature.js';
import { REPS, median, quick, quiet } from './common.js';

export const SHA_REPS = REPS * 3;

export async function sha256Blocks() {
  const SECRET = 'bench-secret';
  const sizes = [1024, 65_536, 1_048_576];
  const cases = sizes.map((n) => {
    const body = new Uint8Array(n).map((_, i) => (i * 131 + 7) & 0xff);
    const sig = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    return { n, body, req: { method: 'POST', body, headers: { 'x-hub-signature-256': sig, 'x-api-key': 'bench-key' } } };
  });
  const handler = () => ({ status: 204 });
  const sig = pipeline([signature({ secret: SECRET })], { handler, logger: quiet });
  // The pass-through is request-only like the signature stage, so carrying the request costs the same in both:
  // auth admitting an API key (whose own hash is one block).
  const pass = pipeline([auth({ apiKeys: ['bench-key'] })], { handler, logger: quiet });
  for (const c of cases)
    if ((await sig.inject(c.req)).status !== 204 || (await pass.inject(c.req)).status !== 204) throw new Error(`sha256: the guest refused a ${c.n}-byte body`);
  const nsPerCall = async (f: () => unknown, n: number) => {
    const iterations = Math.max(4, Math.round((quick ? 1 << 21 : 1 << 23) / Math.max(n, 4096)));
    for (let i = 0; i < iterations / 4; i++) await f();
    // CPU time, not wall time: on a shared machine the time spent descheduled is not ours.
    const t0 = process.cpuUsage();
    for (let i = 0; i < iterations; i++) await f();
    const t = process.cpuUsage(t0);
    return ((t.user + t.system) * 1000) / iterations;
  };
  const samples = cases.map(() => ({ sig: [] as number[], pass: [] as number[], node: [] as number[] }));
  // The first two rounds only warm up: V8 is still tiering the guests and the HMAC path up.
  for (let rep = -2; rep < SHA_REPS; rep++) {
    for (const [i, c] of cases.entries()) {
      const sigNs = await nsPerCall(() => sig.inject(c.req), c.n);
      const passNs = await nsPerCall(() => pass.inject(c.req), c.n);
      const nodeNs = await nsPerCall(() => createHmac('sha256', SECRET).update(c.body).digest(), c.n);
      if (rep < 0) continue;
      samples[i].sig.push(sigNs);
      samples[i].pass.push(passNs);
      samples[i].node.push(nodeNs);
    }
  }
  await sig.close();
  await pass.close();
  const m = samples.map((s) => ({ sig: median(s.sig), pass: median(s.pass), node: median(s.node) }));
  return cases.map((c, i) => {
    const blocks = c.n / 64;
    const guestNs = (m[i].sig - m[i].pass) / blocks;
    const nodeNs = m[i].node / blocks;
    return { bytes: c.n, guestNs: +guestNs.toFixed(1), nodeNs: +nodeNs.toFixed(1), ratio: +(guestNs / nodeNs).toFixed(2) };
  });
}

export const sha256Table = (rows: Awaited<ReturnType<typeof sha256Blocks>>) => [
  `SHA-256 per 64-byte block, guest vs node:crypto (HMAC of the body, CPU ns per block, medians of ${SHA_REPS}; guest = signature stage less a pass-through stage):`,
  '',
  '| body | guest | node:crypto | guest ÷ node |',
  '| ---: | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.bytes >= 1 << 20 ? `${r.bytes >> 20} MiB` : `${r.bytes >> 10} KiB`} | ${r.guestNs} | ${r.nodeNs} | ${r.ratio}× |`),
];
