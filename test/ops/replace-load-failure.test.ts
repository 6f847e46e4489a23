import { afterAll, expect, it } from 'vitest';
import { pipeline, stage } from '../../src/index.js';
import { echo } from '../support/components.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const p = pipeline([echo({ name: 'stamp', config: { tag: 'v1' } })], { logger: quiet, handler: () => ({ status: 200 }) });
afterAll(() => p.close());

const stamp = async () => (await p.inject({ url: '/', headers: { 'x-echo-pass': '1' } })).headers['x-echo'];

it('a replacement that cannot load rejects with its load error, and the old stage keeps serving', async () => {
  expect(await stamp()).toBe('v1');
  // echo imports `log`: granted nothing, it is refused at load time.
  const denied = p.replace('stamp', echo({ name: 'stamp', capabilities: [], config: { tag: 'v2' } }));
  await expect(denied).rejects.toMatchObject({ code: 'WITLINE_IMPORT_DENIED' });
  const unreadable = p.replace('stamp', stage({ name: 'stamp', component: '/nonexistent/stamp.wasm' }));
  await expect(unreadable).rejects.toMatchObject({ code: 'WITLINE_COMPONENT_LOAD' });
  await expect(p.replace('nope', echo())).rejects.toMatchObject({ code: 'WITLINE_INVALID_CONFIG' });
  expect(await stamp()).toBe('v1');
  // A replacement after the failed ones still works.
  await p.replace('stamp', echo({ name: 'stamp', config: { tag: 'v3' } }));
  expect(await stamp()).toBe('v3');
});
