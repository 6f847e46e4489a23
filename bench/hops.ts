// bench/hops: what one hop costs. Each section is a module under bench/hops/:
//   chains.ts        chains of 1–16 stages in four modes (jco, codec, fused, js), interleaved
//   instantiation.ts instantiation from a compiled module and resident memory per live instance
//   profile.ts       where a hop's time goes, step by step
//   sha256.ts        the guest SDK's SHA-256 per 64-byte block against node:crypto's
//   languages.ts     a row per guest language and toolchain
//   sandbox.ts       the bundled middleware with the sandbox on (the defaults) against off
//   jspi.ts          what a suspending kv call costs (only where the runtime has JSPI: Node 26)
//   report.ts        the results files; common.ts: the reference request and timing loops
// Run: npm run bench:hops   (on the machine's Node and on Node 26: bench/results/hops-node<major>.{json,md})
//      node --expose-gc --import tsx bench/hops.ts   (this Node only)
//      BENCH_ONLY=sha256|sandbox|languages npm run bench:hops   (that section, printed, nothing written)
//      BENCH_ONLY=jspi npm run bench:hops   (the JSPI section alone, printed, nothing written)
// Env: BENCH_REPS (5), BENCH_ITER (4000), BENCH_QUICK=1 (shorter loops, to check it runs).
import { machine, progress } from './hops/common.js';
import { chains } from './hops/chains.js';
import { instantiation } from './hops/instantiation.js';
import { profile } from './hops/profile.js';
import { sha256Blocks, sha256Table } from './hops/sha256.js';
import { languages } from './hops/languages.js';
import { sandboxCost, sandboxTable } from './hops/sandbox.js';
import { hasJspi, jspiCost, jspiTable, noJspiLine } from './hops/jspi.js';
import { writeResults } from './hops/report.js';

/** The JSPI section on its own: its table, or the line saying the runtime has no JSPI. */
async function printJspi() {
  process.stdout.write(hasJspi() ? ['', ...jspiTable(await jspiCost()), ''].join('\n') : noJspiLine());
}

async function full() {
  const started = new Date().toISOString();
  // Instances first, on a fresh heap: the RSS reading must not overlap the chains' garbage.
  progress('instantiation (1/3)');
  const inst = await instantiation();
  progress('chains (2/3)');
  const c = await chains();
  progress('profile (3/3)');
  const prof = await profile();
  const sha = await sha256Blocks();
  const langs = await languages();
  const sandbox = await sandboxCost();
  // Last, as it always ran: after every other section, in the same process.
  const jspi = hasJspi() ? await jspiCost() : undefined;
  const md = await writeResults({ started, machine: machine(), chains: c, instantiation: inst, profile: prof, sha256: sha, languages: langs, sandbox, jspi });
  process.stdout.write(md);
  if (!jspi) process.stdout.write(noJspiLine());
}

switch (process.env.BENCH_ONLY) {
  // Each of these three has always been followed by the JSPI section.
  case 'languages':
    process.stdout.write([...(await languages()), ''].join('\n'));
    await printJspi();
    break;
  case 'sha256':
    process.stdout.write([...sha256Table(await sha256Blocks()), '', `Node ${process.version}`, ''].join('\n'));
    await printJspi();
    break;
  case 'sandbox':
    process.stdout.write(sandboxTable(await sandboxCost(), machine()));
    await printJspi();
    break;
  case 'jspi':
    await printJspi();
    break;
  default:
    await full();
}
