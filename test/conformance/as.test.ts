import { echo } from '../support/components.js';
import { conformanceSuite } from './suite.js';

// AssemblyScript: the bundled middleware/echo in pass mode.
conformanceSuite({ tag: 'as', instantiation: 'direct', make: async () => echo({ name: 'as', config: { tag: 'as' } }) });
