// A guest returning 600 headers whose values all point at the same 1 MiB of its memory is
// refused with 502 before anything is lifted (sizes are counted first, aliases included),
// on a real socket: the process keeps serving and its RSS does not grow by the 600 MiB the
// lift would have made.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { pipeline } from '../../src/index.js';
import { hostile } from '../support/components.js';

const p = pipeline([hostile()]);
let base = '';
beforeAll(async () => {
  const server = await p.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => p.close());

const alias = (count: number, bytes: number) => request(`${base}/alias`, { headers: { 'x-alias-count': String(count), 'x-alias-bytes': String(bytes) } });

it('answers 502 and keeps RSS bounded', async () => {
  // Warm up (instance memory grown once), so that the RSS compared is the steady state.
  await (await alias(1, 1024 * 1024)).body.dump();
  const before = process.memoryUsage().rss;
  for (let i = 0; i < 5; i++) {
    // (the guest adds its own `x-calls` header to the aliases)
    const res = await alias(600, 1024 * 1024);
    expect(res.statusCode).toBe(502);
    expect(await res.body.json()).toMatchObject({ error: 'WITLINE_GUEST_INVALID_OUTPUT', message: expect.stringContaining('601 headers, more than 100') });
    // Under the count, the bytes are counted: 50 × 1 MiB is over 16 KiB.
    const big = await alias(50, 1024 * 1024);
    expect(big.statusCode).toBe(502);
    expect(await big.body.json()).toMatchObject({ error: 'WITLINE_GUEST_INVALID_OUTPUT', message: expect.stringContaining('more than 16384') });
  }
  expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  const ok = await request(`${base}/`);
  expect(ok.statusCode).toBe(200);
});

it('refuses more headers than limits.maxHeaderCount, and lifts what fits', async () => {
  const many = await alias(100, 1);
  expect(many.statusCode).toBe(502);
  expect(((await many.body.json()) as { message: string }).message).toContain('101 headers, more than 100');
  const fits = await alias(10, 100);
  expect(fits.statusCode).toBe(200);
  expect(fits.headers['x-alias']).toEqual(Array.from({ length: 10 }, () => 'a'.repeat(100)));
  await fits.body.dump();
});
