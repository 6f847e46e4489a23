import { afterAll, describe, expect, it } from 'vitest';
import { pipeline } from '../src/index.js';
import { echo } from './support/components.js';

describe('inject through a real component', () => {
  const p = pipeline([echo()]);
  afterAll(() => p.close());

  it('short-circuits with what the guest lifted from the request', async () => {
    const res = await p.inject({ method: 'POST', url: '/a?b=c', headers: { 'x-one': 'héllo' }, body: 'payload' });
    expect(res.status).toBe(200);
    expect(res.headers['x-echo-method']).toBe('POST');
    expect(res.headers['x-echo-uri']).toBe('/a?b=c');
    expect(res.text()).toBe('payload');
    // the responding stage's own response phase does not run
    expect(res.headers['x-echo']).toBeUndefined();
  });

  it('passes the request on and runs the response phase', async () => {
    const res = await p.inject({ url: '/x', headers: { 'x-echo-pass': '1' } });
    expect(res.status).toBe(404);
    expect(res.headers['x-echo']).toBe('echo');
  });
});
