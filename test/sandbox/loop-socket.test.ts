// On a real socket, a request whose stage loops and an ordinary request sent at the same
// time are both answered: the loop is interrupted at its deadline (503), its instance
// replaced, and the other request is served by the same server (before or after it).
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { pipeline } from '../../src/index.js';
import { hostile } from '../support/components.js';

const p = pipeline([hostile({ timeoutMs: 100 })], { handler: () => ({ status: 200, body: 'handler' }) });
let base = '';
beforeAll(async () => {
  const server = await p.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => p.close());

it('interrupts the looping request and serves the other', async () => {
  const [looping, other] = await Promise.all([request(`${base}/loop`), request(`${base}/`, { headers: { 'x-pass': '1' } })]);
  expect(looping.statusCode).toBe(503);
  expect(((await looping.body.json()) as { error: string }).error).toBe('WITLINE_STAGE_TIMEOUT');
  expect(other.statusCode).toBe(200);
  expect(await other.body.text()).toBe('handler');
  expect((await request(`${base}/`)).statusCode).toBe(200);
  expect(p.describe().stages[0].replacedInstances).toBe(1);
});
