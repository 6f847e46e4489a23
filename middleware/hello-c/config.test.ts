import { expect, it } from 'vitest';
import { GuestConfigError } from '../../src/index.js';
import { helloC, openPipeline, reportHeaders } from './support.js';

it('takes its greeting from the settings, kept across requests', async () => {
  const p = openPipeline([helloC({ config: { greeting: 'bonjour, ünïcode' } })], { handler: reportHeaders });
  for (let i = 0; i < 3; i++) expect((await p.inject()).headers['x-hello']).toBe('bonjour, ünïcode');
});

it('rejects an unknown setting by name at load', async () => {
  const p = openPipeline([helloC({ config: { colour: 'red' } })]);
  const err = await p.ready().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GuestConfigError);
  expect((err as Error).message).toBe("stage 'hello-c' rejected its configuration: hello-c: unknown setting colour");
});
