// A fresh process starting pipelines of bundled components one after the other (the
// names after the cache folder; echo when none), and printing how the last one loaded:
// the transpile-cache tests run it against the same cache folder.
import { pipeline, stage } from '../../src/index.js';
import { bundledComponent } from '../../src/middleware/bundled.js';

const [cacheDir, ...names] = process.argv.slice(2);
let loaded: { readyMs: number; status: number; stages: unknown } | undefined;
for (const name of names.length > 0 ? names : ['echo']) {
  const t0 = performance.now();
  const p = pipeline([stage({ component: bundledComponent(name), capabilities: ['log'] })], { cacheDir });
  await p.ready();
  const readyMs = performance.now() - t0;
  const res = await p.inject({ url: '/started' });
  loaded = { readyMs, status: res.status, stages: p.describe().stages };
  await p.close();
}
process.stdout.write(JSON.stringify(loaded));
