// Shared set-up for the signature tests: the real bundled component in front of a handler
// that reports what it received, and signers built on node:crypto (the reference).
import { createHmac } from 'node:crypto';
import { afterAll } from 'vitest';
import { pipeline, type Pipeline, type PipelineOptions } from '../../src/index.js';
import { signature, type SignatureOptions } from '../../src/middleware/signature.js';

const open: Pipeline[] = [];
afterAll(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** A pipeline of one signature stage; its handler answers 200 with the body it got. */
export function withSignature(options: SignatureOptions, extra: PipelineOptions = {}): Pipeline {
  const p = pipeline([signature(options)], {
    logger: quiet,
    handler: (req) => ({ status: 200, headers: { 'x-handled': 'yes' }, body: req.body ?? '' }),
    ...extra,
  });
  open.push(p);
  return p;
}

/** HMAC-SHA256 of the parts, by node:crypto. */
export function mac(secret: string | Uint8Array, ...parts: Array<string | Uint8Array>): Buffer {
  const h = createHmac('sha256', secret);
  for (const part of parts) h.update(part);
  return h.digest();
}

/** GitHub's `X-Hub-Signature-256` value for a body. */
export function githubSignature(secret: string | Uint8Array, body: string | Uint8Array): string {
  return `sha256=${mac(secret, body).toString('hex')}`;
}

/** Stripe's `Stripe-Signature` value for a body signed at `t` (unix seconds). */
export function stripeSignature(secret: string, body: string | Uint8Array, t: number): string {
  return `t=${t},v1=${mac(secret, `${t}.`, body).toString('hex')}`;
}

/** Deterministic pseudo-random bytes (the same every run). */
export function bytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed * 2654435761;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** The reason of a 401 from the stage. */
export function reason(res: { json<T>(): T }): string {
  return res.json<{ error_description: string }>().error_description;
}
