import { stage } from '../../src/index.js';
import { conformanceGuest } from './build.js';
import { conformanceSuite } from './suite.js';

// Hand-written WAT, wrapped into a component by jco's wasm-tools API.
conformanceSuite({ tag: 'wat', instantiation: 'direct', make: async () => stage({ name: 'wat', component: await conformanceGuest('wat'), capabilities: [] }) });
