// An error raised inside a worker reaches the main thread as the class that raised it,
// with its stage and cause: it is sent as data and rebuilt there by its code.
import { afterAll, expect, it } from 'vitest';
import { GuestTrapError, pipeline } from '../../src/index.js';
import { echo } from '../support/components.js';
import { ONE_THREAD, pooledSegment, watchLogs } from './support.js';

const logs = watchLogs();
const p = pipeline([echo({ config: { 'trap-on': '/trap' }, pool: ONE_THREAD })], { logger: logs.logger, handler: () => ({ status: 200 }) });
afterAll(() => p.close());

it("rebuilds a pooled guest's trap as a GuestTrapError naming its stage", async () => {
  await p.ready();
  const seg = pooledSegment(p);
  const failure = await seg.request({ method: 'GET', uri: '/trap', headers: [['x-echo-pass', '1']] }, { remoteAddress: '127.0.0.1' }).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(failure).toBeInstanceOf(GuestTrapError);
  const trap = failure as GuestTrapError;
  expect(trap.name).toBe('GuestTrapError');
  expect(trap.stage).toBe('echo');
  expect(trap.statusCode).toBe(500);
  expect(trap.message).toMatch(/^stage 'echo' trapped: /);
  expect(trap.cause).toBeInstanceOf(Error);
  expect(trap.message).toContain((trap.cause as Error).message);

  // And the client gets it in the one error shape.
  const res = await p.inject({ url: '/trap', headers: { 'x-echo-pass': '1' } });
  expect(res.status).toBe(500);
  expect(res.json()).toEqual({ error: 'WITLINE_GUEST_TRAP', message: expect.stringMatching(/^stage 'echo' trapped/) });
});
