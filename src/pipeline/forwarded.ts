import { BlockList, isIP } from 'node:net';
import { InvalidConfigError } from '../core/errors.js';
import { stripHopByHop } from '../core/http.js';
import type { HeaderList } from '../core/types.js';

/** `upstream.trustProxy`: believe no client (default), every client, or those at these addresses/CIDRs. */
export type TrustProxy = boolean | readonly string[];

/** The fields through which a client could speak for the proxies in front of it. */
const FORWARDING = new Set(['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'forwarded']);

/** Whether a client address is a trusted proxy; a list is parsed once, with node:net's BlockList. */
export function trustProxy(option: TrustProxy | undefined): (address: string) => boolean {
  if (option === undefined || option === false) return () => false;
  if (option === true) return () => true;
  if (!Array.isArray(option)) throw new InvalidConfigError('upstream.trustProxy must be a boolean or a list of addresses/CIDRs');
  const list = new BlockList();
  for (const entry of option) {
    const [addr, bits, extra] = String(entry).split('/');
    const family = isIP(addr);
    const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
    if (!family || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32)) {
      throw new InvalidConfigError(`upstream.trustProxy: ${JSON.stringify(entry)} is not an IP address or CIDR`);
    }
    list.addSubnet(addr, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  return (address) => {
    // An IPv4 client on a dual-stack socket reads as ::ffff:a.b.c.d.
    const a = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
    const family = isIP(a);
    return family !== 0 && list.check(a, family === 6 ? 'ipv6' : 'ipv4');
  };
}

/**
 * The headers sent upstream: hop-by-hop fields, `host` and `content-length` dropped (undici
 * sets its own), and the forwarding fields witline vouches for. From an untrusted client
 * every forwarding field is dropped and replaced; from a trusted proxy its chain is kept
 * and the proxy's address appended.
 */
export function forwardedHeaders(headers: HeaderList, remoteAddress: string, trusted: boolean): HeaderList {
  let host: string | undefined;
  const prior: string[] = [];
  let fwdHost: string | undefined;
  let fwdProto: string | undefined;
  const out: HeaderList = [];
  for (const pair of stripHopByHop(headers)) {
    const l = pair[0].toLowerCase();
    if (l === 'host') host = pair[1];
    else if (l === 'content-length') continue;
    else if (!FORWARDING.has(l)) out.push(pair);
    else if (!trusted) continue;
    else if (l === 'x-forwarded-for') prior.push(pair[1]);
    else if (l === 'x-forwarded-host') fwdHost ??= pair[1];
    else if (l === 'x-forwarded-proto') fwdProto ??= pair[1];
    else out.push(pair); // a trusted proxy's `Forwarded` goes on as it came
  }
  out.push(['x-forwarded-for', [...prior, remoteAddress].join(', ')]);
  const fh = fwdHost ?? host;
  if (fh !== undefined) out.push(['x-forwarded-host', fh]);
  out.push(['x-forwarded-proto', fwdProto ?? 'http']);
  return out;
}
