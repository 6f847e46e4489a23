import { afterAll, beforeAll, expect, it } from 'vitest';
import { pipeline, stage, type Pipeline } from '../../src/index.js';
import { echo } from '../support/components.js';
import { buildForgers, FORGER_WORLD, forgerWat, watComponent } from '../support/wat-components.js';
import { quiet } from './support.js';

// Finding 7: inside a fused segment, what a guest passes on is checked before it enters the
// next guest, as per-hop mode checks it when it lifts: a 502 naming the guest at fault
// (the forger, a component built here from WAT), never a value no socket could deliver
// handed to the next guest (echo, which would reflect it) or blamed on it.
const cases = [
  ['a request line as the method', { method: 'GET / HTTP/1.1', uri: '/' }],
  ['invalid UTF-8 in the uri', { method: 'GET', uri: '/\xff' }],
  ['a uri in no request-target form', { method: 'GET', uri: 'evil' }],
  ['a header name that is not a token', { method: 'GET', uri: '/', header: ['bad name', 'v'] }],
  ['CR/LF in a header value', { method: 'GET', uri: '/', header: ['x-a', 'a\r\nset-cookie: x=1'] }],
  ['invalid UTF-8 in a header value', { method: 'GET', uri: '/', header: ['x-a', '\xff'] }],
  ['a response status of 42 (answered into an earlier response phase)', { respond: { status: 42 } }],
  ['a response header value with NUL', { respond: { status: 200, header: ['x-a', 'a\0b'] } }],
] as const;

let built: Map<string, Uint8Array>;
beforeAll(async () => {
  built = await buildForgers(cases);
}, 120_000);

const open: Pipeline[] = [];
afterAll(() => Promise.all(open.map((p) => p.close())));

function chain(what: string, fusion: 'auto' | 'off') {
  const forger = stage({ name: 'forger', component: built.get(what)!, capabilities: [] });
  const respond = what.includes('response');
  // A forged response goes back through echo's response phase; a forged request on into echo.
  const stages = respond ? [echo({ config: [['tag', 'first']] }), forger] : [forger, echo()];
  const p = pipeline(stages, { fusion, logger: quiet });
  open.push(p);
  return p;
}

it.each(cases.map(([what]) => what))('fused: %s is a 502 blamed on the forger', async (what) => {
  const p = chain(what, 'auto');
  const res = await p.inject({ headers: { 'x-echo-pass': '1' } });
  expect(p.describe().segments[0].mode).toBe('fused');
  expect(res.status).toBe(502);
  expect(res.json()).toMatchObject({ error: 'WITLINE_GUEST_INVALID_OUTPUT', message: expect.stringContaining("stage 'forger'") });
});

it.each(cases.map(([what]) => what))('per hop: %s is the same 502', async (what) => {
  const res = await chain(what, 'off').inject({ headers: { 'x-echo-pass': '1' } });
  expect(res.status).toBe(502);
  expect(res.json()).toMatchObject({ error: 'WITLINE_GUEST_INVALID_OUTPUT', message: expect.stringContaining("stage 'forger'") });
});

it('lets a valid forged request through, U+00E9 in a header value included', async () => {
  const component = await watComponent({ wat: forgerWat({ method: 'PUT', uri: '/ok', header: ['x-a', Buffer.from('é', 'utf8')] }), world: FORGER_WORLD });
  const p = pipeline([stage({ name: 'forger', component, capabilities: [] }), echo()], { logger: quiet });
  open.push(p);
  const res = await p.inject();
  expect(res.status).toBe(200);
  expect(res.headers['x-echo-method']).toBe('PUT');
  expect(res.headers['x-echo-h-x-a']).toBe('\xe9');
});
