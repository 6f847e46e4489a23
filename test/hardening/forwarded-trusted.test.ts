import { afterAll, beforeAll, expect, it } from 'vitest';
import { pipeline } from '../../src/index.js';
import { quiet, recordingUpstream } from './support.js';

// Finding 5: `upstream.trustProxy` (a boolean, or addresses/CIDRs) says which clients are
// proxies whose forwarding headers are kept (X-Forwarded-For appended to).
let up: Awaited<ReturnType<typeof recordingUpstream>>;
beforeAll(async () => {
  up = await recordingUpstream();
});
afterAll(() => up.server.close());

const sent = { host: 'gw.example', 'x-forwarded-for': '203.0.113.7', 'x-forwarded-host': 'public.example', 'x-forwarded-proto': 'https' };

it.each([
  ['true', true, '10.1.2.3', true],
  ['a CIDR holding the client', ['10.0.0.0/8'], '10.1.2.3', true],
  ['an IPv4-mapped IPv6 client in an IPv4 CIDR', ['10.0.0.0/8'], '::ffff:10.1.2.3', true],
  ['a CIDR not holding the client', ['10.0.0.0/8'], '192.168.1.1', false],
  ['an IPv6 address', ['::1'], '::1', true],
] as const)('trustProxy %s', async (_what, trustProxy, remoteAddress, trusted) => {
  const p = pipeline([], { handler: up.origin, upstream: { trustProxy: trustProxy as boolean | string[] }, logger: quiet });
  expect((await p.inject({ headers: sent, remoteAddress })).status).toBe(200);
  const h = up.last().headers;
  if (trusted) {
    expect(h['x-forwarded-for']).toBe(`203.0.113.7, ${remoteAddress}`);
    expect(h['x-forwarded-host']).toBe('public.example');
    expect(h['x-forwarded-proto']).toBe('https');
  } else {
    expect(h['x-forwarded-for']).toBe(remoteAddress);
    expect(h['x-forwarded-host']).toBe('gw.example');
    expect(h['x-forwarded-proto']).toBe('http');
  }
  await p.close();
});

it('refuses a trustProxy entry that is not an address or CIDR', () => {
  expect(() => pipeline([], { handler: up.origin, upstream: { trustProxy: ['10.0.0.0/33'] } })).toThrow(/trustProxy/);
  expect(() => pipeline([], { handler: up.origin, upstream: { trustProxy: ['loopback'] } })).toThrow(/trustProxy/);
});
