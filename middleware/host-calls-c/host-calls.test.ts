import { afterAll, expect, it } from 'vitest';
import { pipeline, stage } from '../../src/index.js';
import { bundledComponent } from '../../src/middleware/bundled.js';

const open: Array<{ close(): Promise<void> }> = [];
afterAll(() => Promise.all(open.map((p) => p.close())));

for (const binding of ['codec', 'jco'] as const) {
  it(`calls every host capability from C with the right signatures (${binding})`, async () => {
    const lines: string[] = [];
    const log = (m: string) => lines.push(m);
    const p = pipeline([stage({ name: 'host-calls-c', component: bundledComponent('host-calls-c'), capabilities: ['log', 'clock', 'kv'] })], {
      binding,
      clock: () => 1234567890123,
      logger: { debug: log, info: log, warn: log, error: log },
    });
    open.push(p);
    const res = await p.inject({ method: 'PUT', url: '/', body: 'x'.repeat(300_000) });
    expect(res.status).toBe(299);
    expect(res.rawHeaders.slice(0, -1)).toEqual([
      ['before', 'none'],
      ['mid', 'one'],
      ['cas-bad', '0'],
      ['cas-ok', '1'],
      ['after', 'two'],
      ['gone', 'none'],
      ['cas-absent', '1'],
      ['n', '-5'],
      ['now', '1234567890123'],
      ['method', 'PUT'],
      ['body-len', '300000'],
    ]);
    expect(res.body.equals(Buffer.from('x'.repeat(300_000)))).toBe(true);
    expect(lines).toEqual(['host-calls-c: hello from C ünï']);
    const again = await p.inject({ url: '/' });
    expect(again.rawHeaders.find(([k]) => k === 'n')).toEqual(['n', '-10']);
    expect(again.rawHeaders.find(([k]) => k === 'body-len')).toEqual(['body-len', '-1']);
  });
}
