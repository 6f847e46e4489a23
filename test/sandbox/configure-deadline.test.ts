// The deadline covers instantiation and `configure` too: a guest looping in configure makes
// the pipeline's load fail within its deadline instead of hanging the process.
import { expect, it } from 'vitest';
import { pipeline } from '../../src/index.js';
import { hostile } from '../support/components.js';

it('fails the load of a stage that loops in configure', async () => {
  const p = pipeline([hostile({ timeoutMs: 100, config: { 'loop-in-configure': 'yes' } })]);
  await expect(p.ready()).rejects.toMatchObject({ code: 'WITLINE_GUEST_CONFIG', message: expect.stringContaining('past its deadline') });
  await p.close();
});

it('does so on jco’s instantiation path too', async () => {
  const p = pipeline([hostile({ timeoutMs: 100, config: { 'loop-in-configure': 'yes' } })], { binding: 'jco' });
  await expect(p.ready()).rejects.toMatchObject({ code: 'WITLINE_GUEST_CONFIG', message: expect.stringContaining('past its deadline') });
  await p.close();
});
