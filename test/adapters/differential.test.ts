// One corpus of requests, good and bad, through witline's own server, the Express
// adapter and the undici interceptor: every answer the same, status, headers (but the
// per-connection Date, Connection and Keep-Alive) and body.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { corpus } from './support/corpus.js';
import { closeAgent, viaExpress, viaListen, viaUndici, type Path, type Seen } from './support/paths.js';

let paths: Record<'listen' | 'express' | 'undici', Path>;
beforeAll(async () => {
  paths = { listen: await viaListen(), express: await viaExpress(), undici: await viaUndici() };
});
afterAll(async () => {
  await Promise.all(Object.values(paths).map((p) => p.pipeline.close()));
  await closeAgent();
});

it('answers every request of the corpus identically on all three paths', async () => {
  const answers: Record<string, Seen[]> = { listen: [], express: [], undici: [] };
  // In corpus order on each path: the rate-limit burst counts on it.
  for (const [name, path] of Object.entries(paths)) for (const r of corpus) answers[name].push(await path.send(r));

  corpus.forEach((r, i) => {
    const listen = answers.listen[i];
    expect({ request: r.name, ...answers.express[i] }).toEqual({ request: r.name, ...listen });
    expect({ request: r.name, ...answers.undici[i] }).toEqual({ request: r.name, ...listen });
  });

  // The corpus covers what it claims to: every kind of answer appears.
  expect(answers.listen.map((a) => a.status)).toEqual([401, 401, 401, 401, 200, 200, 201, 404, 200, 200, 429, 429, 200, 413, 414, 431, 200]);
});
