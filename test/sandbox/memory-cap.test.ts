// A stage's `maxMemoryBytes` is the maximum of its linear memory (rewritten at load):
// `memory.grow` within it succeeds, past it returns -1, and the memory stays where it was.
import { afterAll, expect, it } from 'vitest';
import { pipeline } from '../../src/index.js';
import { hostile } from '../support/components.js';

const PAGE = 65536;
const p = pipeline([hostile({ maxMemoryBytes: 32 * PAGE })]);
afterAll(() => p.close());

const grow = async (pages: number) => (await p.inject({ url: '/grow', headers: { 'x-grow-pages': String(pages) } })).headers;

it('grows within the cap and refuses past it with -1', async () => {
  const first = await grow(4);
  const before = Number(first['x-grow']);
  expect(before).toBeGreaterThan(0);
  expect(Number(first['x-pages'])).toBe(before + 4);

  const refused = await grow(32);
  expect(refused['x-grow']).toBe('-1');
  expect(refused['x-pages']).toBe(first['x-pages']);

  // Up to the cap exactly is allowed.
  const rest = 32 - Number(first['x-pages']);
  expect((await grow(rest))['x-pages']).toBe('32');
  expect((await grow(1))['x-grow']).toBe('-1');
});

it('caps by default at 64 MiB', async () => {
  const q = pipeline([hostile()]);
  try {
    const res = await q.inject({ url: '/grow', headers: { 'x-grow-pages': String(1024) } });
    expect(res.headers['x-grow']).toBe('-1');
    expect(Number(res.headers['x-pages'])).toBeLessThan(1024);
  } finally {
    await q.close();
  }
});
