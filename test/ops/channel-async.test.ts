import { tracingChannel } from 'node:diagnostics_channel';
import { afterAll, expect, it } from 'vitest';
import { pipeline } from '../../src/index.js';
import { echo } from '../support/components.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
// The handler answers from a promise: the request goes asynchronous after the request phase.
const p = pipeline([echo({ name: 'one', config: { tag: '1' } })], { logger: quiet, fusion: 'off', handler: async () => ({ status: 202 }) });

const events: string[] = [];
const record = (channel: string) => {
  const on = (kind: string) => (m: unknown) => {
    const msg = m as { stage?: string; phase?: string; result?: { status?: number } };
    const what = channel === 'stage' ? `${msg.stage} ${msg.phase}` : `status ${msg.result?.status ?? '-'}`;
    events.push(`${channel} ${kind} ${what}`);
  };
  return { start: on('start'), end: on('end'), asyncStart: on('asyncStart'), asyncEnd: on('asyncEnd'), error: on('error') };
};
const stage = tracingChannel('witline.stage');
const request = tracingChannel('witline.request');
const stageSubs = record('stage');
const requestSubs = record('request');
afterAll(async () => {
  stage.unsubscribe(stageSubs);
  request.unsubscribe(requestSubs);
  await p.close();
});

it('an asynchronous request publishes start and end, then asyncStart/asyncEnd with its response; synchronous stage calls only start and end', async () => {
  await p.ready();
  stage.subscribe(stageSubs);
  request.subscribe(requestSubs);
  expect((await p.inject({ url: '/', headers: { 'x-echo-pass': '1' } })).status).toBe(202);
  expect(events).toEqual([
    'request start status -',
    'stage start one request',
    'stage end one request',
    // The handler returned a promise: the pipeline's call returns one, and the request ends its synchronous part.
    'request end status -',
    'stage start one response',
    'stage end one response',
    'request asyncStart status 202',
    'request asyncEnd status 202',
  ]);
});
