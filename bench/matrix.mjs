// Run a benchmark on the machine's Node and again on Node 26 (from the npm registry, as CI
// does), each writing its own results (bench/results/*-node<major>.*):
//   node bench/matrix.mjs http [run.mjs options]   (npm run bench)
//   node bench/matrix.mjs hops                     (npm run bench:hops)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { node26 } from '../scripts/node26.mjs';
import { canPin } from './http/servers.mjs';

const [which, ...rest] = process.argv.slice(2);
const here = (f) => fileURLToPath(new URL(f, import.meta.url));
const argv = {
  http: [here('./http/run.mjs'), ...rest],
  hops: ['--expose-gc', '--import', 'tsx', here('./hops.ts'), ...rest],
}[which];
if (!argv) throw new Error(`usage: matrix.mjs http|hops [options]`);

let failed = false;
for (const node of [process.execPath, node26()]) {
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`\n== bench ${which} on Node ${version}`);
  // bench/hops times CPU in one process: pinned to one core (as the HTTP bench pins its
  // servers), it is not moved between cores mid-measurement, which on a shared 2-core machine
  // varied its numbers by ±10%. The HTTP bench pins its own processes.
  const pin = which === 'hops' && canPin(cpus().length);
  const r = pin ? spawnSync('taskset', ['-c', '1', node, ...argv], { stdio: 'inherit' }) : spawnSync(node, argv, { stdio: 'inherit' });
  failed ||= r.status !== 0;
}
process.exit(failed ? 1 : 0);
