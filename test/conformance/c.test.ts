import { stage } from '../../src/index.js';
import { bundledComponent } from '../../src/middleware/bundled.js';
import { conformanceSuite } from './suite.js';

// C: middleware/conformance-c on the project's single-header SDK (middleware/sdk-c/witline.h).
conformanceSuite({ tag: 'c', instantiation: 'direct', make: async () => stage({ name: 'c', component: bundledComponent('conformance-c'), capabilities: [] }) });
