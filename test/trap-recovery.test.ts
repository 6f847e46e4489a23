import { afterAll, expect, it } from 'vitest';
import { pipeline } from '../src/index.js';
import { echo } from './support/components.js';

const logged: string[] = [];
const quiet = { debug() {}, info() {}, warn() {}, error: (m: string) => void logged.push(m) };
const p = pipeline([echo({ config: { 'trap-on': '/trap' } })], { logger: quiet });
afterAll(() => p.close());

it('answers 500 for a trap, replaces the instance, and keeps serving', async () => {
  const before = await p.inject({ url: '/ok' });
  expect(before.status).toBe(200);

  const trapped = await p.inject({ url: '/trap' });
  expect(trapped.status).toBe(500);
  expect(trapped.json()).toMatchObject({ error: 'WITLINE_GUEST_TRAP' });
  expect(p.describe().stages[0].replacedInstances).toBe(1);

  // The next requests go to a fresh instance, configured like the first.
  const after = await Promise.all([p.inject({ url: '/ok2' }), p.inject({ url: '/ok3' })]);
  expect(after.map((r) => r.status)).toEqual([200, 200]);
  expect(after[0].headers['x-echo-uri']).toBe('/ok2');
  const again = await p.inject({ url: '/trap' });
  expect(again.status).toBe(500);
  expect(p.describe().stages[0].replacedInstances).toBe(2);
  expect((await p.inject({ url: '/ok4' })).status).toBe(200);
  expect(logged.some((m) => m.includes("'echo' trapped"))).toBe(true);
});
