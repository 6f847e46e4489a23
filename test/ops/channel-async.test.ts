import { tracingChannel } from 'node:diagnostics_channel';
import { afterAll, expect, it } from 'vitest';
import { pipeline } from '../../src/index.js';
import { echo } from '../support/components.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const p = pipeline([echo({ name: 'one', config: { tag: '1' } })], { logger: quiet, fusion: 'off', handler: () => ({ status: 200 }) });

const events: string[] = [];
const on = (kind: string) => (m: unknown) => {
  const msg = m as { stage: string; phase: string; result?: unknown };
  events.push(`${kind} ${msg.stage} ${msg.phase}${kind === 'asyncEnd' ? ` result:${msg.result === undefined ? 'none' : 'set'}` : ''}`);
};
const subscribers = { start: on('start'), end: on('end'), asyncStart: on('asyncStart'), asyncEnd: on('asyncEnd'), error: on('error') };
const channel = tracingChannel('witline.stage');
afterAll(async () => {
  channel.unsubscribe(subscribers);
  await p.close();
});

it('an asynchronous stage call (per hop) publishes start, end, then asyncStart and asyncEnd with its result', async () => {
  await p.ready();
  channel.subscribe(subscribers);
  expect((await p.inject({ url: '/', headers: { 'x-echo-pass': '1' } })).status).toBe(200);
  expect(events).toEqual([
    'start one request',
    'end one request',
    'asyncStart one request',
    'asyncEnd one request result:set',
    'start one response',
    'end one response',
    'asyncStart one response',
    'asyncEnd one response result:set',
  ]);
});
