import { expect } from 'vitest';
import { GuestConfigError } from '../../src/index.js';
import { helloJs, itRuns, openPipeline, reportHeaders } from './support.js';

itRuns('takes its greeting from the settings, kept across requests', async () => {
  const p = openPipeline([helloJs({ config: { greeting: 'bonjour, ünïcode' } })], { handler: reportHeaders });
  for (let i = 0; i < 3; i++) expect((await p.inject()).headers['x-hello']).toBe('bonjour, ünïcode');
});

itRuns('rejects an unknown setting by name at load', async () => {
  const p = openPipeline([helloJs({ config: { colour: 'red' } })]);
  const err = await p.ready().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GuestConfigError);
  expect((err as Error).message).toBe("stage 'hello-js' rejected its configuration: hello-js: unknown setting colour");
});
