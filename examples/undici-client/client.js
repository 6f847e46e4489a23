// The undici example: outgoing calls go through witline. The transform stage adds the
// partner's API key and maps /rates to its versioned path, and marks the JSON answers;
// the rate-limit stage caps this process at `burst` calls at once, then `perSecond`,
// answering 429 itself, with no network call, past that.
import { Agent, request } from 'undici';
import { pipeline } from 'witline';
import { toUndiciInterceptor } from 'witline/undici';
import { rateLimit, transform } from 'witline/middleware';

/**
 * A dispatcher whose calls run through the pipeline; close() releases both.
 *
 * @param {{ apiKey?: string, burst?: number, perSecond?: number, clock?: () => number, logger?: import('witline').Logger }} [options]
 */
export function createPartnerClient({ apiKey, burst = 3, perSecond = 1, clock, logger } = {}) {
  const p = pipeline(
    [
      rateLimit({ burst, perSecond }),
      transform({
        request: { rewritePath: { from: '/rates', to: '/v1/rates' }, setHeaders: { 'x-api-key': apiKey } },
        response: { removeHeaders: ['server'], json: { set: { checkedBy: 'witline' } } },
      }),
    ],
    { clock, logger },
  );
  const agent = new Agent();
  const dispatcher = agent.compose(toUndiciInterceptor(p));
  return {
    pipeline: p,
    dispatcher,
    /** GET `path` on `base`; resolves to the status and the parsed body. */
    async get(base, path) {
      const res = await request(base + path, { dispatcher });
      return { status: res.statusCode, headers: res.headers, body: await res.body.json() };
    },
    async close() {
      await agent.close();
      await p.close();
    },
  };
}
