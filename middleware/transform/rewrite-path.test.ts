import { describe, expect, it } from 'vitest';
import type { TransformPathRewrite } from '../../src/middleware/transform.js';
import { withTransform } from './support.js';

type Seen = { uri: string };

async function uriAfter(rewritePath: TransformPathRewrite | TransformPathRewrite[], url: string) {
  const p = withTransform({ request: { rewritePath } });
  return (await p.inject({ url })).json<Seen>().uri;
}

describe('transform: request.rewritePath', () => {
  it('replaces a matching path prefix and keeps the query', async () => {
    expect(await uriAfter({ from: '/api/', to: '/v1/' }, '/api/users/7?q=1&r=%2Fapi%2F')).toBe('/v1/users/7?q=1&r=%2Fapi%2F');
  });

  it('leaves a path that does not start with the prefix alone', async () => {
    const rule = { from: '/api/', to: '/v1/' };
    expect(await uriAfter(rule, '/apix/users')).toBe('/apix/users');
    expect(await uriAfter(rule, '/v2/api/users')).toBe('/v2/api/users');
    // only the path is matched, never the query
    expect(await uriAfter(rule, '/other?next=/api/x')).toBe('/other?next=/api/x');
  });

  it('rewrites a path equal to the prefix', async () => {
    expect(await uriAfter({ from: '/api', to: '/v1' }, '/api?x=1')).toBe('/v1?x=1');
  });

  it('strips a prefix with an empty replacement, keeping a leading slash', async () => {
    const rule = { from: '/api', to: '' };
    expect(await uriAfter(rule, '/api/users?x=1')).toBe('/users?x=1');
    expect(await uriAfter(rule, '/api')).toBe('/');
    expect(await uriAfter(rule, '/api?x=1')).toBe('/?x=1');
  });

  it('applies the first matching rule only', async () => {
    const rules = [
      { from: '/api/v2/', to: '/next/' },
      { from: '/api/', to: '/v1/' },
      { from: '/v1/', to: '/never/' },
    ];
    expect(await uriAfter(rules, '/api/v2/x')).toBe('/next/x');
    expect(await uriAfter(rules, '/api/x')).toBe('/v1/x');
  });

  it('runs alongside header rules', async () => {
    const p = withTransform({ request: { rewritePath: { from: '/old/', to: '/new/' }, setHeaders: { 'x-rewritten': 'yes' } } });
    const seen = (await p.inject({ url: '/old/a' })).json<{ uri: string; headers: Array<[string, string]> }>();
    expect(seen.uri).toBe('/new/a');
    expect(seen.headers).toContainEqual(['x-rewritten', 'yes']);
  });
});
