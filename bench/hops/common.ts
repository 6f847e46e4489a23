// What every bench/hops section shares: the knobs (env), the reference request and its
// answer, and the timing loops, so each section measures the same thing the same way.
import { cpus } from 'node:os';
import type { WitRequest, WitResponse } from '../../src/index.js';

export const REPS = Number(process.env.BENCH_REPS ?? 5);
export const ITER = Number(process.env.BENCH_ITER ?? 4000);
export const quick = process.env.BENCH_QUICK === '1';

// The reference request: 5 headers and a 200-byte body. Each stage does the same work in
// every mode: the request phase sets `x-echo-trail`, the response phase sets `x-echo`
// (the echo guest with `trail: set`), so the request does not grow along the chain.
const body = new Uint8Array(200).fill(0x61);
const headers: Array<[string, string]> = [
  ['host', 'api.example.com'],
  ['user-agent', 'witline-bench/1.0'],
  ['accept', 'application/json'],
  ['content-type', 'application/json'],
  ['x-echo-pass', '1'],
];
export const reference = (): WitRequest => ({ method: 'POST', uri: '/v1/items?limit=10', headers: headers.slice(), body });
export const ctx = { remoteAddress: '127.0.0.1' };
export const answer: WitResponse = { status: 200, headers: [['content-type', 'application/json']], body: new TextEncoder().encode('{"ok":true}') };
export const quiet = { debug() {}, info() {}, warn() {}, error() {} };

// Progress goes to stderr: stdout carries the results table.
export const progress = (line: string) => process.stderr.write(`bench/hops: ${line}\n`);

export const machine = () => `${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, Node ${process.version}`;

export async function nsPerRequest(run: () => Promise<unknown>, iterations: number): Promise<number> {
  for (let i = 0; i < iterations / 4; i++) await run();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await run();
  return Number(process.hrtime.bigint() - t0) / iterations;
}

/** CPU ns (user + system) per request: on a shared machine, steadier than wall time. */
export async function cpuNsPerRequest(run: () => Promise<unknown>, iterations: number): Promise<number> {
  for (let i = 0; i < iterations / 4; i++) await run();
  const t0 = process.cpuUsage();
  for (let i = 0; i < iterations; i++) await run();
  const d = process.cpuUsage(t0);
  return ((d.user + d.system) * 1000) / iterations;
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** ns as µs with two decimals, as every table shows them. */
export const fmt = (ns: number) => (ns / 1000).toFixed(2);
