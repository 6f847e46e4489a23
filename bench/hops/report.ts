// The results files of a full run: bench/results/hops-node<major>.{json,md}, one pair per
// Node major because the runtimes differ (Node 22+ runs the fused hop in WebAssembly).
import { writeFile, mkdir } from 'node:fs/promises';
import { REPS } from './common.js';
import { CHAIN_REPS, chainsTable, perHopOverFused, type Chains } from './chains.js';
import { instantiationLines, type instantiation } from './instantiation.js';
import { profileTable, type profile } from './profile.js';
import { sha256Table, type sha256Blocks } from './sha256.js';
import { sandboxTable, type sandboxCost } from './sandbox.js';
import { jspiJson, jspiTable, type jspiCost } from './jspi.js';

type Result<F extends (...a: never[]) => unknown> = Awaited<ReturnType<F>>;

export interface FullRun {
  started: string;
  machine: string;
  chains: Chains;
  instantiation: Result<typeof instantiation>;
  profile: Result<typeof profile>;
  sha256: Result<typeof sha256Blocks>;
  /** The languages table, already as markdown lines (it records load failures as text). */
  languages: string[];
  sandbox: Result<typeof sandboxCost>;
  /** Absent where the runtime has no JSPI. */
  jspi?: Result<typeof jspiCost>;
}

export const RESULTS = `hops-node${process.versions.node.split('.')[0]}`;

export function markdown(r: FullRun): string {
  return [
    ...chainsTable(r.chains, r.machine),
    ...instantiationLines(r.instantiation),
    '',
    ...profileTable(r.profile),
    '',
    ...sha256Table(r.sha256),
    '',
    ...r.languages,
    '',
    sandboxTable(r.sandbox, r.machine),
    ...(r.jspi ? [...jspiTable(r.jspi), ''] : []),
    `Command: \`npm run bench:hops\` (${r.started}; this file: Node ${process.version}).`,
    '',
  ].join('\n');
}

export function json(r: FullRun) {
  return {
    started: r.started,
    machine: r.machine,
    reps: REPS,
    chainReps: CHAIN_REPS,
    request: '5 headers, 200-byte body',
    modes: r.chains,
    instantiation: r.instantiation,
    perHopOverFusedMarginal: perHopOverFused(r.chains),
    profileNs: r.profile,
    sha256PerBlock: r.sha256,
    sandbox: r.sandbox,
    ...(r.jspi ? { jspi: jspiJson(r.jspi) } : {}),
  };
}

/** Writes both files and returns the markdown (the caller prints it). */
export async function writeResults(r: FullRun): Promise<string> {
  const dir = new URL('../results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  await writeFile(new URL(`${RESULTS}.json`, dir), JSON.stringify(json(r), null, 2) + '\n');
  const md = markdown(r);
  await writeFile(new URL(`${RESULTS}.md`, dir), md);
  return md;
}
