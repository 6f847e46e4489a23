import { describe, expect, it } from 'vitest';
import { answering, jsonBody, withTransform } from './support.js';
import type { HandlerResponse } from '../../src/index.js';

const rules = { set: { added: 1 }, rename: { a: 'b' }, remove: ['c'] };

async function through(response: HandlerResponse) {
  const p = answering({ response: { json: rules, setHeaders: { 'x-seen': '1' } } }, response);
  const res = await p.inject();
  // Untouched bodies must never cost the instance: a trap would replace it.
  expect(p.describe().stages[0].replacedInstances).toBe(0);
  expect(res.status).toBe(200);
  expect(res.headers['x-seen']).toBe('1');
  return res;
}

describe('transform: JSON rules pass other bodies through untouched', () => {
  it('ignores a body that is not labelled JSON', async () => {
    for (const type of ['text/plain', 'application/jsonp', 'application/json-seq', 'text/json+html']) {
      const res = await through(jsonBody('{"a":1,"c":2}', type));
      expect(res.text()).toBe('{"a":1,"c":2}');
    }
    const res = await through({ status: 200, body: '{"a":1}' });
    expect(res.text()).toBe('{"a":1}');
  });

  it('ignores invalid JSON labelled as JSON', async () => {
    const bodies = ['', ' ', '{', '{"a":1', '{"a":1,}', '{"a":1} x', '{"a":01}', '{"a":"\\x"}', "{'a':1}", '{"a":"\u0001"}', 'null'];
    for (const body of bodies) expect((await through(jsonBody(body))).text()).toBe(body);
  });

  it('ignores a JSON root that is not an object', async () => {
    for (const body of ['[{"a":1}]', '"a"', '42', 'true', ' [ ] ']) expect((await through(jsonBody(body))).text()).toBe(body);
  });

  it('ignores nesting deeper than the scanner follows', async () => {
    const deep = '{"a":' + '['.repeat(300) + ']'.repeat(300) + '}';
    expect((await through(jsonBody(deep))).text()).toBe(deep);
  });

  it('edits around string bytes that are not UTF-8 without altering them', async () => {
    const bytes = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]); // {"a":"\xff\xfe"}
    const res = await through({ status: 200, headers: { 'content-type': 'application/json' }, body: bytes });
    expect(res.body.equals(Buffer.concat([Buffer.from('{"b":"'), bytes.subarray(6, 8), Buffer.from('","added":1}')]))).toBe(true);
  });

  it('never fails on any truncation of a JSON body', async () => {
    const body = Buffer.from('{"a":{"x":[1,-2.5e3,{"y":"\\u00e9\\"q"}]},"c":"ключ 😀","n":null,"t":true}');
    const p = withTransform({ response: { json: rules } }, (req) => ({ status: 200, headers: { 'content-type': 'application/json' }, body: req.body }));
    for (let cut = 0; cut < body.length; cut++) {
      const partial = body.subarray(0, cut);
      const res = await p.inject({ method: 'POST', body: partial });
      expect(res.body.equals(partial), partial.toString()).toBe(true);
    }
    const whole = await p.inject({ method: 'POST', body });
    expect(whole.json()).toEqual({ b: { x: [1, -2500, { y: 'é"q' }] }, n: null, t: true, added: 1 });
    expect(p.describe().stages[0].replacedInstances).toBe(0);
  });
});
