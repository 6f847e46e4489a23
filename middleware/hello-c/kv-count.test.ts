import { expect, it } from 'vitest';
import { helloC, openPipeline } from './support.js';

it('answers /hello-c/count itself from the shared kv counter, skipping the handler', async () => {
  let handled = 0;
  const p = openPipeline([helloC()], {
    handler: () => {
      handled++;
      return { status: 200 };
    },
  });
  const counts: string[] = [];
  for (let i = 0; i < 3; i++) {
    const res = await p.inject({ url: '/hello-c/count' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain');
    // The stage answered: its own response phase does not run.
    expect(res.headers['x-hello']).toBeUndefined();
    counts.push(res.text());
  }
  expect(counts).toEqual(['1', '2', '3']);
  expect(handled).toBe(0);
});
