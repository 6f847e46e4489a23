// toExpress in a connect-style framework whose responses have a `send` of their own (as
// restify's do): behind a response phase that send keeps its meaning, and what it ends
// with is held and run through the stages like any end.
import { ServerResponse } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { request } from 'undici';
import { pipeline } from '../../src/index.js';
import { toExpress } from '../../src/adapters/express.js';
import { transform } from '../../src/middleware/index.js';
import { quiet, serve } from './support/serve.js';

const p = pipeline([transform({ response: { setHeaders: { 'x-served-by': 'witline' } } })], { logger: quiet });

/** A framework's response prototype: `send(body)` answers plain text, upper-cased. */
function frameworkResponse(writable: boolean): object {
  return Object.create(ServerResponse.prototype, {
    send: {
      writable,
      value(this: ServerResponse, body: string) {
        this.setHeader('content-type', 'text/plain');
        this.end(body.toUpperCase());
      },
    },
  });
}

/** A server whose responses have `proto`, with the pipeline in front of a handler that sends. */
function serveWith(proto: object): Promise<string> {
  const mw = toExpress(p);
  return serve((req, res) => {
    Object.setPrototypeOf(res, proto);
    mw(req, res, () => (res as unknown as { send(b: string): void }).send('<p>framework</p>'));
  });
}

let assigned = '';
let frozen = '';
beforeAll(async () => {
  assigned = await serveWith(frameworkResponse(true));
  frozen = await serveWith(frameworkResponse(false)); // a send that cannot be taken over
});
afterAll(() => p.close());

it.each([
  ['a send assigned as usual', () => assigned],
  ['a send that cannot be reassigned', () => frozen],
])("%s: the framework's send answers as it does, through the response phase", async (_name, url) => {
  const res = await request(url());
  const body = await res.body.text();
  expect(res.statusCode, body).toBe(200);
  expect(res.headers['x-served-by']).toBe('witline');
  expect(res.headers['content-type']).toBe('text/plain');
  expect(body).toBe('<P>FRAMEWORK</P>');
});
