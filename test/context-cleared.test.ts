// The request context has one owner, entered around each guest call and cleared after:
// a guest called for no request (instantiated and configured, here as the replacement of
// an instance that trapped mid-request) sees an empty address, never the address of the
// request that ran before. Checked on every path a guest is called by: per hop, fused,
// on a worker pool, and through jco's bindings.
import { afterAll, describe, expect, it } from 'vitest';
import { pipeline, stage, type Pipeline } from '../src/index.js';
import { contextProbe, echo } from './support/components.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const probe = (pool?: true | { minThreads: number; maxThreads: number }) => contextProbe({ config: { 'trap-on': '/trap' }, ...(pool && { pool }) });

const setups: Array<[string, () => Pipeline, Record<string, string>]> = [
  ['per hop', () => pipeline([probe()], { fusion: 'off', logger: quiet }), {}],
  // echo passes the request on (x-echo-pass) to the probe inside one fused segment.
  ['fused', () => pipeline([echo(), probe()], { logger: quiet }), { 'x-echo-pass': '1' }],
  ['pooled', () => pipeline([stage(probe({ minThreads: 1, maxThreads: 1 }))], { logger: quiet }), {}],
  ['jco bindings', () => pipeline([probe()], { binding: 'jco', logger: quiet }), {}],
];

describe.each(setups)('%s', (mode, make, headers) => {
  const p = make();
  afterAll(() => p.close());

  it('serves each call the address of its own request, and none to a call for no request', async () => {
    await p.ready();
    if (mode === 'fused') expect(p.describe().segments.map((s) => s.mode)).toEqual(['fused']);
    if (mode === 'pooled') expect(p.describe().segments.map((s) => s.mode)).toEqual(['pooled']);

    const first = await p.inject({ url: '/', headers, remoteAddress: '10.0.0.1' });
    expect(first.status).toBe(200);
    expect(first.headers['x-probe-address']).toBe('10.0.0.1');
    // configured at load, before any request
    expect(first.headers['x-probe-configured']).toBe('');

    // The instance traps while serving 10.0.0.2; its replacement is configured for no request.
    const trapped = await p.inject({ url: '/trap', headers, remoteAddress: '10.0.0.2' });
    expect(trapped.status).toBe(500);
    expect(trapped.json()).toMatchObject({ error: 'WITLINE_GUEST_TRAP' });

    const after = await p.inject({ url: '/', headers, remoteAddress: '10.0.0.3' });
    expect(after.status).toBe(200);
    expect(after.headers['x-probe-address']).toBe('10.0.0.3');
    expect(after.headers['x-probe-configured']).toBe('');
    expect(p.describe().stages.at(-1)!.replacedInstances).toBe(1);
  });
});
