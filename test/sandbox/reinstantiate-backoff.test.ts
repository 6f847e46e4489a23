// A stage whose replacement keeps failing to instantiate is retried with exponential
// backoff (1 s, 2 s, 4 s, … up to 10 s, on the pipeline's clock), and meanwhile its
// requests get 503 WITLINE_STAGE_UNAVAILABLE at once, with no attempt: counted here by the
// failures the guest's configure logs, one per attempt.
import { afterAll, expect, it } from 'vitest';
import { MemoryStore, pipeline } from '../../src/index.js';
import { hostile } from '../support/components.js';

let now = 1_000_000;
const attempts: string[] = [];
const logger = {
  debug() {},
  info() {},
  warn() {},
  error(message: string) {
    if (message.includes('next attempt in')) attempts.push(message);
  },
};
const kv = new MemoryStore({ now: () => now });
const p = pipeline([hostile()], { kv, clock: () => now, logger });
afterAll(() => p.close());

/** Let the replacement attempt started by a failed call settle (it runs in the same turn for a direct instance). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

it('backs off, answers 503 fast meanwhile, and recovers once instantiation works', async () => {
  expect((await p.inject({ url: '/' })).status).toBe(200);
  // Breaks the guest: every later configure fails while the kv key is set.
  expect((await p.inject({ url: '/break' })).status).toBe(500);
  await settle();
  expect(attempts).toHaveLength(1);
  expect(attempts[0]).toContain('next attempt in 1000 ms');

  const refused = await p.inject({ url: '/' });
  expect(refused.status).toBe(503);
  expect(refused.json()).toMatchObject({ error: 'WITLINE_STAGE_UNAVAILABLE' });
  expect(refused.headers['retry-after']).toBe('1');
  now += 999;
  for (let i = 0; i < 50; i++) expect((await p.inject({ url: '/' })).status).toBe(503);
  expect(attempts).toHaveLength(1);

  now += 1; // 1 s after the first attempt: one more attempt, which fails, then 2 s
  expect((await p.inject({ url: '/' })).status).toBe(503);
  expect(attempts).toHaveLength(2);
  expect(attempts[1]).toContain('next attempt in 2000 ms');
  now += 2_000;
  await p.inject({ url: '/' });
  now += 4_000;
  await p.inject({ url: '/' });
  now += 8_000;
  await p.inject({ url: '/' });
  expect(attempts.map((a) => a.match(/in (\d+) ms/)![1])).toEqual(['1000', '2000', '4000', '8000', '10000']);

  kv.delete('hostile:broken');
  now += 10_000;
  const back = await p.inject({ url: '/' });
  expect(back.status).toBe(200);
  expect(back.headers['x-calls']).toBe('1');
  const d = p.describe().stages[0];
  expect(d.replacedInstances).toBe(1);
  expect(d.failures).toBe(1 + 1 + 50 + 4 + 1);
});
