import { tracingChannel } from 'node:diagnostics_channel';
import { afterAll, expect, it } from 'vitest';
import { pipeline } from '../../src/index.js';
import { echo } from '../support/components.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const p = pipeline([echo({ name: 'one', config: { tag: '1' } }), echo({ name: 'two', config: { tag: '2', 'trap-on': '/trap' } })], {
  logger: quiet,
  handler: () => ({ status: 200 }),
});

type Msg = { stage?: string; phase?: string; request: { method: string; uri: string }; error?: { code?: string } };
const events: string[] = [];
const record = (channel: string) => {
  const on = (kind: string) => (m: unknown) => {
    const msg = m as Msg;
    events.push([channel, kind, msg.stage ?? '-', msg.phase ?? '-', msg.request.uri, kind === 'error' ? msg.error?.code : ''].join(' ').trim());
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

it('witline.stage publishes start/end per guest call, error before end for a trap; witline.request wraps them', async () => {
  await p.ready();
  stage.subscribe(stageSubs);
  request.subscribe(requestSubs);
  expect((await p.inject({ url: '/trap', headers: { 'x-echo-pass': '1' } })).status).toBe(500);
  expect(events.filter((e) => e.startsWith('stage'))).toEqual([
    'stage start one request /trap',
    'stage end one request /trap',
    'stage start two request /trap',
    'stage error two request /trap WITLINE_GUEST_TRAP',
    'stage end two request /trap',
  ]);
  // The request wraps its stage calls: start before them; it ends with the 500 made from the trap, reported as its error.
  // (Its `end` comes right after `start` while the pipeline's request path is asynchronous; then asyncStart/asyncEnd.)
  const lastStage = events.indexOf('stage end two request /trap');
  expect(events[0]).toBe('request start - - /trap');
  expect(events.indexOf('request error - - /trap WITLINE_GUEST_TRAP')).toBeGreaterThan(lastStage);
  expect(events.at(-1)).toMatch(/^request (asyncEnd|end) - - \/trap$/);
  events.length = 0;
  expect((await p.inject({ url: '/ok', headers: { 'x-echo-pass': '1' } })).status).toBe(200);
  expect(events.filter((e) => e.startsWith('stage'))).toEqual([
    'stage start one request /ok',
    'stage end one request /ok',
    'stage start two request /ok',
    'stage end two request /ok',
    'stage start two response /ok',
    'stage end two response /ok',
    'stage start one response /ok',
    'stage end one response /ok',
  ]);
});
