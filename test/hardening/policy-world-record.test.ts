import { expect, it } from 'vitest';
import { ImportDeniedError, pipeline, stage } from '../../src/index.js';
import { WAT_ALLOC, WAT_PASS_ON, watComponent } from '../support/wat-components.js';
import { quiet } from './support.js';

// Finding 8: a world-level `record` does not hide what comes after it (the WIT-text regex
// ended the world at the record's closing brace: it missed the imports after it and
// reported "exports nothing"). The record itself is a type: it grants nothing.
const world = (imports: string) =>
  `world with-record { record point { x: u32, y: u32 } ${imports} export get-point: func() -> point; export request-handler; }`;
const getPoint = '(data (i32.const 3072) "\\01\\00\\00\\00\\02\\00\\00\\00") (func (export "get-point") (result i32) (i32.const 3072))';

it('refuses the function import that follows a world-level record, naming it', async () => {
  const component = await watComponent({
    world: world('import log; import probe: func(p: point);'),
    wat: `(module (import "witline:middleware/log@0.1.0" "log" (func (param i32 i32 i32))) (import "$root" "probe" (func (param i32 i32))) ${WAT_ALLOC} ${getPoint} ${WAT_PASS_ON})`,
  });
  const p = pipeline([stage({ name: 'record', component })], { logger: quiet });
  const err = await p.ready().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImportDeniedError);
  expect((err as ImportDeniedError).imports).toEqual(['probe']);
  await p.close();
}, 60_000);

it('loads and serves a component with a world-level record and only granted imports', async () => {
  const component = await watComponent({
    world: world('import log;'),
    wat: `(module (import "witline:middleware/log@0.1.0" "log" (func (param i32 i32 i32))) ${WAT_ALLOC} ${getPoint} ${WAT_PASS_ON})`,
  });
  const p = pipeline([stage({ name: 'record', component })], { logger: quiet, handler: (req) => ({ status: 200, body: `${req.method} ${req.uri}` }) });
  const res = await p.inject({ url: '/ignored' });
  expect(res.status).toBe(200);
  expect(res.text()).toBe('GET /');
  expect(p.describe().stages[0].imports).toEqual(['witline:middleware/log@0.1.0', 'witline:middleware/types@0.1.0']);
  expect(p.describe().stages[0].phases).toEqual(['request']);
  await p.close();
}, 60_000);
