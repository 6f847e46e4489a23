// A fresh process: does a pipeline load piscina? Printed as JSON for pool/lazy-load.test.ts.
import { createRequire } from 'node:module';
import { sep } from 'node:path';
import { pipeline } from '../../src/index.js';
import { echo } from './components.js';

const require = createRequire(import.meta.url);
const loaded = () => Object.keys(require.cache).some((k) => k.includes(`${sep}piscina${sep}`));

const plain = pipeline([echo()]);
const plainStatus = (await plain.inject()).status;
const withoutPool = loaded();
await plain.close();

const pooled = pipeline([echo({ pool: { minThreads: 1, maxThreads: 1 } })]);
const pooledStatus = (await pooled.inject()).status;
const withPool = loaded();
await pooled.close();
process.stdout.write(JSON.stringify({ plainStatus, withoutPool, pooledStatus, withPool }));
