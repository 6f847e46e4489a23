import { stage } from '../../src/index.js';
import { conformanceGuest } from './build.js';
import { conformanceSuite } from './suite.js';

// C on wasi-libc, a reactor: its tag is set by a C constructor, so it answers as the model
// only if `_initialize` ran (direct instantiation calls it, as wit-component's start does).
conformanceSuite({ tag: 'c', instantiation: 'direct', make: async () => stage({ name: 'c', component: await conformanceGuest('c'), capabilities: [] }) });
