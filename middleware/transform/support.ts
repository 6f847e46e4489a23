// Shared set-up for the transform tests: the real bundled component, in a pipeline
// whose handler either reports the request it got or answers with a given response.
import { afterAll } from 'vitest';
import { pipeline, type Handler, type HandlerResponse, type Pipeline } from '../../src/index.js';
import { transform, type TransformJsonRules, type TransformOptions } from '../../src/middleware/transform.js';

const open: Pipeline[] = [];
afterAll(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

/** A handler answering with what it received, so request rules can be observed. */
export const reportRequest: Handler = (req) => ({
  status: 200,
  headers: [['content-type', 'application/json']],
  body: JSON.stringify({ uri: req.uri, headers: req.headers }),
});

/** A pipeline of one transform stage in front of `handler` (closed after the file's tests). */
export function withTransform(options: TransformOptions, handler: Handler = reportRequest): Pipeline {
  const p = pipeline([transform(options)], { handler });
  open.push(p);
  return p;
}

/** A pipeline whose handler always answers `response`, to observe response rules. */
export function answering(options: TransformOptions, response: HandlerResponse): Pipeline {
  return withTransform(options, () => response);
}

/** A JSON response whose body is exactly `body`. */
export function jsonBody(body: string, contentType = 'application/json'): HandlerResponse {
  return { status: 200, headers: [['content-type', contentType]], body };
}

/** The response to a GET of `/` through a transform answering `body` as JSON. */
export async function transformJson(json: TransformJsonRules, body: string, contentType?: string) {
  const p = answering({ response: { json } }, jsonBody(body, contentType));
  return p.inject({ url: '/' });
}

/** Header values with a given name, in order, from a raw header list. */
export function valuesOf(headers: ReadonlyArray<readonly [string, string]>, name: string): string[] {
  return headers.filter(([k]) => k.toLowerCase() === name).map(([, v]) => v);
}
