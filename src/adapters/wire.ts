import { wireHeadersFlat } from '../core/http.js';
import type { WitResponse } from '../core/types.js';

/**
 * The headers an adapter sends with a response the pipeline returned, as the edge does
 * (the host owns framing: `content-length` is the body's size), except that an answer to
 * HEAD keeps the length its maker announced: it describes the body a GET would get,
 * which is not there. Flat: name, value, name, value ...
 */
export function adapterHeadersFlat(resp: WitResponse, method: string): string[] {
  const out = wireHeadersFlat(resp);
  if (resp.body.byteLength === 0 && method.toUpperCase() === 'HEAD') {
    const announced = resp.headers.find(([k]) => k.toLowerCase() === 'content-length');
    if (announced) {
      const i = out.findIndex((k, j) => j % 2 === 0 && k === 'content-length');
      if (i >= 0) out[i + 1] = announced[1];
    }
  }
  return out;
}

/** {@link adapterHeadersFlat} as pairs. */
export function adapterHeaders(resp: WitResponse, method: string): Array<[string, string]> {
  const flat = adapterHeadersFlat(resp, method);
  const out: Array<[string, string]> = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}
