import { expect, it } from 'vitest';
import { ImportDeniedError, pipeline, stage } from '../../src/index.js';
import { WAT_ALLOC, WAT_PASS_ON, watComponent } from '../support/wat-components.js';
import { quiet } from './support.js';

// Finding 8: a component importing wasi:sockets (a capability witline never grants) is
// refused at load, by that name, even with every witline capability granted.
it('refuses a component importing wasi:sockets/tcp', async () => {
  const component = await watComponent({
    world: 'world sockets { import log; import wasi:sockets/tcp@0.2.0; export request-handler; }',
    extraWit: 'package wasi:sockets@0.2.0 { interface tcp { connect: func(); } }',
    wat: `(module (import "witline:middleware/log@0.1.0" "log" (func (param i32 i32 i32))) (import "wasi:sockets/tcp@0.2.0" "connect" (func)) ${WAT_ALLOC} ${WAT_PASS_ON})`,
  });
  const p = pipeline([stage({ name: 'sockets', component, capabilities: ['log', 'clock', 'kv', 'context'] })], { logger: quiet });
  const err = await p.ready().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImportDeniedError);
  expect((err as ImportDeniedError).imports).toEqual(['wasi:sockets/tcp@0.2.0']);
  expect((await p.inject()).json()).toMatchObject({ error: 'WITLINE_IMPORT_DENIED' });
  await p.close();
}, 60_000);
