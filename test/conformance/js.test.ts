import { stage } from '../../src/index.js';
import { bundledComponent } from '../../src/middleware/bundled.js';
import { conformanceSuite } from './suite.js';

// JavaScript: middleware/conformance-js on the project's SDK, built with componentize-qjs
// (sync runtime). Its handler module imports its memory and its realloc is an alias: the
// codec takes both from where the lifts say. Its core modules need extended-const (Node ≥ 22).
conformanceSuite({
  tag: 'js',
  instantiation: 'jco',
  needs: 'extended-const',
  make: async () => stage({ name: 'js', component: bundledComponent('conformance-js'), capabilities: [] }),
});
