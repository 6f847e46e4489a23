import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { request } from 'undici';
import { CONFIG } from '../examples/gateway/gateway.js';
import { tempDir } from './cli/support.js';

// `npm start`'s launcher as CI runs it (PORT=0), on a copy of the example's config whose bucket never refills
// during the test: the demo API, then the `witline` CLI (dist/, built by `npm test`) in front of it.
let child: ReturnType<typeof spawn>;
const lines: string[] = [];
let url: string;
let token: string;
beforeAll(async () => {
  const config = JSON.parse(readFileSync(CONFIG, 'utf8'));
  config.stages.find((s: { use?: string }) => s.use === 'rateLimit').options = { burst: 3, perSecond: 0.001 };
  const file = join(tempDir(), 'witline.config.json');
  writeFileSync(file, JSON.stringify(config));
  child = spawn(process.execPath, ['examples/gateway/server.js', file], { env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const rl = createInterface({ input: child.stdout! });
  for await (const line of rl) {
    lines.push(line);
    const bearer = /Bearer ([A-Za-z0-9_.-]+)/.exec(line);
    if (line.includes('curl -i -H') && bearer) {
      token = bearer[1];
      break;
    }
  }
  // The first URL printed is the gateway's, as CI's smoke check reads it.
  url = /http:\/\/[^ ]*/.exec(lines.join('\n'))![0];
});
afterAll(async () => {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
});

it('401 without a token, 200 with the printed token and the transform visible, 429 past the burst', async () => {
  expect(lines[0]).toMatch(/^witline gateway listening on http:\/\/127\.0\.0\.1:\d+ /);
  const none = await request(`${url}/api/items`);
  expect(none.statusCode).toBe(401);
  expect(none.headers['www-authenticate']).toMatch(/^Bearer realm=/);
  await none.body.dump();

  const auth = { authorization: `Bearer ${token}` };
  const ok = await request(`${url}/api/items`, { headers: auth });
  expect(ok.statusCode).toBe(200);
  expect(ok.headers['x-served-by']).toBe('witline-gateway');
  const body = (await ok.body.json()) as { items: unknown[]; gateway: string; subject: string };
  expect(body.gateway).toBe('witline');
  expect(body.subject).toBe('demo-user');
  expect(body.items).toHaveLength(2);

  const statuses = [];
  for (let i = 0; i < 3; i++) {
    const r = await request(`${url}/api/items/1`, { headers: auth });
    statuses.push(r.statusCode);
    if (r.statusCode === 429) expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    await r.body.dump();
  }
  expect(statuses).toEqual([200, 200, 429]);
});
