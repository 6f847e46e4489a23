import { afterAll, beforeAll, expect, it } from 'vitest';
import { pipeline, stage, type Pipeline } from '../../src/index.js';
import { echo } from '../support/components.js';
import { buildForgers, FORGER_WORLD, forgerWat, watComponent } from '../support/wat-components.js';
import { quiet } from './support.js';

// Where a value leaves a fused segment for JS (the request the handler gets, an answer),
// it is checked on its bytes in the guest's memory before it is lifted
// (abi/hop-check.wat): the same 502 blamed on the guest that produced it as in per-hop
// mode, with the string checks' wording, and what is valid (U+00E9 in a value) goes on.
const cases = [
  ['a request line as the method', { method: 'GET / HTTP/1.1', uri: '/' }],
  ['a uri in no request-target form', { method: 'GET', uri: 'evil' }],
  ['a header name that is not a token', { method: 'GET', uri: '/', header: ['bad name', 'v'] }],
  ['CR/LF in a header value', { method: 'GET', uri: '/', header: ['x-a', 'a\r\nset-cookie: x=1'] }],
  ['U+20AC in a header value', { method: 'GET', uri: '/', header: ['x-a', Buffer.from('€', 'utf8')] }],
  ['an answer with status 42', { respond: { status: 42 } }],
  ['an answer with NUL in a header value', { respond: { status: 200, header: ['x-a', 'a\0b'] } }],
] as const;

let built: Map<string, Uint8Array>;
beforeAll(async () => {
  built = await buildForgers(cases);
}, 120_000);

const open: Pipeline[] = [];
afterAll(() => Promise.all(open.map((p) => p.close())));

/** The forger's output leaves the segment: a request it passes on last, or its answer with no response phase before it. */
function chain(component: Uint8Array, respond: boolean) {
  const forger = stage({ name: 'forger', component, capabilities: [] });
  const p = pipeline(respond ? [forger, echo()] : [echo(), forger], { logger: quiet, handler: () => ({ status: 200, body: 'handler' }) });
  open.push(p);
  return p;
}

it.each(cases.map(([what]) => what))('%s leaving a fused segment is a 502 blamed on the forger', async (what) => {
  const p = chain(built.get(what)!, what.startsWith('an answer'));
  const res = await p.inject({ headers: { 'x-echo-pass': '1' } });
  expect(p.describe().segments.map((s) => s.mode)).toEqual(['fused']);
  expect(res.status).toBe(502);
  expect(res.json()).toMatchObject({ error: 'WITLINE_GUEST_INVALID_OUTPUT', message: expect.stringContaining("stage 'forger'") });
});

it('lets a valid request and a valid answer leave, U+00E9 in a header value included', async () => {
  const e = Buffer.from('é', 'utf8');
  const passes = chain(await watComponent({ wat: forgerWat({ method: 'PUT', uri: '/ok', header: ['x-a', e] }), world: FORGER_WORLD }), false);
  const res = await passes.inject({ headers: { 'x-echo-pass': '1' } });
  expect(res.status).toBe(200);
  expect(res.body.toString()).toBe('handler');
  const answers = chain(await watComponent({ wat: forgerWat({ respond: { status: 201, header: ['x-a', e] } }), world: FORGER_WORLD }), true);
  const answer = await answers.inject({ headers: { 'x-echo-pass': '1' } });
  expect(answer.status).toBe(201);
  expect(answer.headers['x-a']).toBe('é');
});
