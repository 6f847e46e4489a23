import { stage } from '../../src/index.js';
import { conformanceGuest } from './build.js';
import { conformanceSuite } from './suite.js';

// C on wasi-libc, a reactor (a toolchain the project does not ship): its tag is set by a C
// constructor, so it answers as the model only if `_initialize` ran, which wit-component
// calls from a second core module's start function and direct instantiation calls itself.
conformanceSuite({
  tag: 'c',
  instantiation: 'direct',
  make: async () => stage({ name: 'c-wasi-libc', component: await conformanceGuest('c-wasi-libc'), capabilities: [] }),
});
