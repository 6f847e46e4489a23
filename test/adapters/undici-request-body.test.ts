// Stages see an outgoing request whole, as a server would get it: the body from any of
// undici's simple forms, with host and content-length (in-process: the echo stage
// answers with the request it saw, so nothing goes out).
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { MockAgent, request, type FormData as UndiciFormData } from 'undici';
import { BadRequestError, pipeline } from '../../src/index.js';
import { toUndiciInterceptor } from '../../src/adapters/undici.js';
import { echo } from '../support/components.js';
import { quiet } from './support/serve.js';

const p = pipeline([echo()], { logger: quiet });
const mock = new MockAgent();
mock.disableNetConnect();
const dispatcher = mock.compose(toUndiciInterceptor(p));
afterAll(async () => {
  await p.close();
  await mock.close();
});

async function* generated() {
  yield 'one,';
  yield Buffer.from('two,');
  yield new Uint8Array([0x33]);
}

const bodies: Array<[string, () => unknown, string]> = [
  ['a string', () => 'hello', 'hello'],
  ['a Buffer', () => Buffer.from('bytes!'), 'bytes!'],
  ['a Uint8Array', () => new TextEncoder().encode('u8'), 'u8'],
  ['an async generator', () => generated(), 'one,two,3'],
  ['a Readable stream', () => Readable.from(['a', 'b', 'c']), 'abc'],
  ['a Blob', () => new Blob(['blob ', 'parts']), 'blob parts'],
];

describe.each(bodies)('a body given as %s', (_name, make, expected) => {
  it('reaches the stage whole, with host and content-length', async () => {
    const res = await request('http://api.test:8081/echo', { dispatcher, method: 'PUT', body: make() as string });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-echo-method']).toBe('PUT');
    expect(res.headers['x-echo-h-host']).toBe('api.test:8081');
    expect(res.headers['x-echo-h-content-length']).toBe(String(Buffer.byteLength(expected)));
    expect(await res.body.text()).toBe(expected);
  });
});

it('refuses FormData (its multipart framing is undici’s to make later) with a BadRequestError', async () => {
  // Node's global FormData is undici's; the DOM typings of it lack the Symbol.toStringTag undici's typings want.
  const form = new FormData();
  form.set('a', '1');
  await expect(request('http://api.test/echo', { dispatcher, method: 'POST', body: form as unknown as UndiciFormData })).rejects.toBeInstanceOf(
    BadRequestError,
  );
});
