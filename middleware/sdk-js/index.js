// The witline JavaScript SDK: helpers over the WIT values. Types: ./index.d.ts.
// Runs inside QuickJS (componentize-qjs), which has no TextEncoder/TextDecoder, hence
// the small UTF-8 codec here. The host capabilities are one module each (./log.js,
// ./clock.js, ./kv.js, ./context.js): the build imports into the component only the
// interfaces a middleware's files name, so a stage needs only those capabilities granted.

export function utf8(s) {
  const out = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c < 0xe000) c = 0xfffd; // a lone surrogate
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return new Uint8Array(out);
}

// The WHATWG UTF-8 decoder (as TextDecoder): each maximal invalid subpart becomes one U+FFFD.
export function text(bytes) {
  if (!bytes) return '';
  let s = '';
  let cp = 0;
  let needed = 0;
  let seen = 0;
  let lower = 0x80;
  let upper = 0xbf;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (needed === 0) {
      if (b < 0x80) s += String.fromCharCode(b);
      else if (b >= 0xc2 && b <= 0xdf) {
        needed = 1;
        cp = b & 0x1f;
      } else if (b >= 0xe0 && b <= 0xef) {
        if (b === 0xe0) lower = 0xa0;
        if (b === 0xed) upper = 0x9f;
        needed = 2;
        cp = b & 0xf;
      } else if (b >= 0xf0 && b <= 0xf4) {
        if (b === 0xf0) lower = 0x90;
        if (b === 0xf4) upper = 0x8f;
        needed = 3;
        cp = b & 7;
      } else s += '\ufffd';
      continue;
    }
    if (b < lower || b > upper) {
      // The sequence so far is one error; this byte starts over.
      cp = needed = seen = 0;
      lower = 0x80;
      upper = 0xbf;
      s += '\ufffd';
      i--;
      continue;
    }
    lower = 0x80;
    upper = 0xbf;
    cp = (cp << 6) | (b & 0x3f);
    if (++seen === needed) {
      s += String.fromCodePoint(cp);
      cp = needed = seen = 0;
    }
  }
  return needed ? s + '\ufffd' : s;
}

const same = (a, b) => a.length === b.length && a.toLowerCase() === b.toLowerCase();

export function getHeader(headers, name) {
  for (const [k, v] of headers) if (same(k, name)) return v;
  return null;
}

export function removeHeader(headers, name) {
  let n = 0;
  for (const e of headers) if (!same(e[0], name)) headers[n++] = e;
  headers.length = n;
  return headers;
}

export function appendHeader(headers, name, value) {
  headers.push([name, value]);
  return headers;
}

export function setHeader(headers, name, value) {
  return appendHeader(removeHeader(headers, name), name, value);
}

export function setting(config, key) {
  for (const [k, v] of config) if (k === key) return v;
  return null;
}

export const bytesOf = (b) => (b === undefined ? new Uint8Array(0) : typeof b === 'string' ? utf8(b) : b);

export function response(status, headers = [], body) {
  return { status, headers, body: bytesOf(body) };
}

export function next(req) {
  return { tag: 'next', val: req };
}

export function respond(status, headers = [], body) {
  return { tag: 'respond', val: response(status, headers, body) };
}
