import { stage } from '../../src/index.js';
import { conformanceGuest } from './build.js';
import { conformanceSuite } from './suite.js';

// JavaScript: componentize-qjs (sync runtime). Its handler module imports its memory and
// its realloc is an alias, so the codec takes both from where the lifts say; its core
// modules need extended-const (Node ≥ 22).
conformanceSuite({
  tag: 'js',
  instantiation: 'jco',
  needs: 'extended-const',
  make: async () => stage({ name: 'js', component: await conformanceGuest('js') }),
});
