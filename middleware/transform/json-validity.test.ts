import { expect, it } from 'vitest';
import fc from 'fast-check';
import { answering } from './support.js';

// The transform edits a body only when it is one valid JSON object, which the SDK's
// scanner (middleware/sdk/json.ts) decides without parsing. It must agree with JSON.parse
// on every body: valid documents of any shape, and each one broken by one edit, around
// strings of every length (the scanner skips a string's plain bytes 16 at a time).
const tricky = ['"', '\\', '{', '}', '[', ']', ',', ':', '0', '-', '.', 'e', '1', ' ', '\n', '\u0001', 'u', 'n', 't', 'é', '😀'];
const valid = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify({ v })),
  fc
    .dictionary(fc.string({ maxLength: 40 }), fc.oneof(fc.string({ maxLength: 70 }), fc.double(), fc.boolean(), fc.constant(null)))
    .map((o) => JSON.stringify(o)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify({ a: v, b: [v, { c: v }] }, null, 1)),
);
const broken = fc.tuple(valid, fc.nat(), fc.constantFrom('delete', 'insert', 'replace'), fc.constantFrom(...tricky)).map(([s, at, how, c]) => {
  const i = at % (s.length + 1);
  if (how === 'delete') return s.slice(0, i) + s.slice(i + 1);
  if (how === 'insert') return s.slice(0, i) + c + s.slice(i);
  return s.slice(0, i) + c + s.slice(i + 1);
});

function isObject(body: string): boolean {
  try {
    const v = JSON.parse(body);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}

// One pipeline for every body: its handler answers whatever `body` holds.
let body = '';
const p = answering(
  { response: { json: { set: { added: 1 } } } },
  {
    status: 200,
    headers: [['content-type', 'application/json']],
    get body() {
      return body;
    },
  },
);

async function expectAgrees(b: string): Promise<boolean> {
  body = b;
  const res = await p.inject();
  if (!isObject(b)) {
    expect(res.text(), b).toBe(b);
    return false;
  }
  expect(JSON.parse(res.text()), b).toEqual({ ...JSON.parse(b), added: 1 });
  return true;
}

it('edits exactly the bodies JSON.parse reads as an object', async () => {
  let edited = 0;
  await fc.assert(
    fc.asyncProperty(fc.oneof(valid, broken), async (b) => {
      if (await expectAgrees(b)) edited++;
    }),
    { seed: 23, numRuns: 3000 },
  );
  expect(edited).toBeGreaterThan(1000);
  expect(p.describe().stages[0].replacedInstances).toBe(0);
});

it('finds the end of a string whatever the position of its quote, escape or control byte', async () => {
  for (let len = 0; len < 40; len++) {
    for (let at = 0; at < len; at++) {
      for (const c of ['\\"', '\\\\', '\\u00e9', '\u0001', '"']) {
        const s = 'x'.repeat(at) + c + 'y'.repeat(len - at);
        await expectAgrees(`{"k":"${s}","z":[1]}`);
      }
    }
  }
});
