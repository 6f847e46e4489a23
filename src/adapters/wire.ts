import { wireHeaders } from '../core/http.js';
import type { WitResponse } from '../core/types.js';

/**
 * The headers an adapter sends with a response the pipeline returned, as the edge does
 * (the host owns framing: `content-length` is the body's size), except that an answer to
 * HEAD keeps the length its maker announced: it describes the body a GET would get,
 * which is not there.
 */
export function adapterHeaders(resp: WitResponse, method: string): Array<[string, string]> {
  const out = wireHeaders(resp);
  if (method.toUpperCase() === 'HEAD' && resp.body.byteLength === 0) {
    const announced = resp.headers.find(([k]) => k.toLowerCase() === 'content-length');
    if (announced) {
      const i = out.findIndex(([k]) => k === 'content-length');
      if (i >= 0) out[i] = ['content-length', announced[1]];
    }
  }
  return out;
}
