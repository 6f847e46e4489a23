import { expect, it } from 'vitest';
import { ImportDeniedError, pipeline, stage } from '../../src/index.js';
import { WAT_ALLOC, WAT_PASS_ON, watComponent } from '../support/wat-components.js';
import { quiet } from './support.js';

// Finding 8: the import check reads the component's binary. A component importing an
// inline interface (`import probe: interface { ... }`) and then wasi:sockets is refused
// naming both, exactly (the WIT-text regex reported a garbled `probe: interface {...` and
// missed wasi:sockets).
it('refuses an inline interface import and wasi:sockets, naming each', async () => {
  const component = await watComponent({
    world: 'world inline-import { import probe: interface { ping: func(); } import wasi:sockets/tcp@0.2.0; export request-handler; }',
    extraWit: 'package wasi:sockets@0.2.0 { interface tcp { connect: func(); } }',
    wat: `(module (import "probe" "ping" (func)) (import "wasi:sockets/tcp@0.2.0" "connect" (func)) ${WAT_ALLOC} ${WAT_PASS_ON})`,
  });
  const p = pipeline([stage({ name: 'inline', component })], { logger: quiet });
  const err = await p.ready().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImportDeniedError);
  expect((err as ImportDeniedError).imports).toEqual(['probe', 'wasi:sockets/tcp@0.2.0']);
  await p.close();
}, 60_000);
