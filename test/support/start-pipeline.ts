// A fresh process starting a pipeline of the bundled components and printing how it
// loaded: the transpile-cache test runs it twice against the same cache folder.
import { pipeline, stage } from '../../src/index.js';
import { bundledComponent } from '../../src/middleware/bundled.js';

const t0 = performance.now();
const p = pipeline([stage({ component: bundledComponent('echo'), capabilities: ['log'] })], { cacheDir: process.argv[2] });
await p.ready();
const readyMs = performance.now() - t0;
const res = await p.inject({ url: '/started' });
process.stdout.write(JSON.stringify({ readyMs, status: res.status, stages: p.describe().stages }));
await p.close();
