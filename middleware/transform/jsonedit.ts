// In-place edits of a JSON object body, on byte spans: the body is scanned, never
// parsed into a tree, and everything outside the edited span is kept byte for byte.
// The caller checks once that the body is a valid JSON object (the scan that checks it
// also gives the root object's members); every edit splices in
// valid JSON, so later scans skip values without validating them again. Duplicate
// keys follow JSON.parse (the last one wins) for lookups, and are all handled by
// rename and remove, so no earlier duplicate can surface with its old value.
import { Member, Span, decodeString, encodeString, skipWs, splice } from "../sdk/json";

function bytes(s: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(s));
}

// Hot loops on raw pointers; they never read at or past `end`.
function skipStringAt(p: usize, end: usize): usize {
  p++;
  while (p < end) {
    const c = load<u8>(p);
    if (c == 0x22) return p + 1;
    p += c == 0x5c ? 2 : 1;
  }
  return end;
}

function skipString(b: Uint8Array, i: i32): i32 {
  const base = b.dataStart;
  return <i32>(skipStringAt(base + <usize>i, base + <usize>b.length) - base);
}

/** End of the (valid) value starting exactly at `i`. */
function skipValue(b: Uint8Array, i: i32): i32 {
  const base = b.dataStart;
  const end = base + <usize>b.length;
  let p = base + <usize>i;
  if (p >= end) return b.length;
  const c = load<u8>(p);
  if (c == 0x22) {
    p = skipStringAt(p, end);
  } else if (c == 0x7b || c == 0x5b) {
    let depth = 0;
    while (p < end) {
      const d = load<u8>(p);
      if (d == 0x22) {
        p = skipStringAt(p, end);
        continue;
      }
      if (d == 0x7b || d == 0x5b) depth++;
      else if ((d == 0x7d || d == 0x5d) && --depth == 0) {
        p++;
        break;
      }
      p++;
    }
  } else {
    while (p < end) {
      const d = load<u8>(p);
      if (d == 0x2c || d == 0x7d || d == 0x5d || d <= 0x20) break;
      p++;
    }
  }
  return <i32>(min(p, end) - base);
}

/** A key to look up: its text, and its UTF-8 bytes for keys written without escapes. */
export class Key {
  utf8: Uint8Array;
  constructor(public text: string) {
    this.utf8 = bytes(text);
  }
  matches(b: Uint8Array, k: Span): bool {
    const start = k.start + 1;
    const len = k.end - 1 - start;
    for (let i = start; i < start + len; i++) {
      if (unchecked(b[i]) == 0x5c) {
        const s = decodeString(b, k);
        return s !== null && s == this.text;
      }
    }
    if (len != this.utf8.length) return false;
    for (let i = 0; i < len; i++) if (unchecked(b[start + i]) != unchecked(this.utf8[i])) return false;
    return true;
  }
}

/**
 * A JSON object body being edited. One body per response: member lists are cached
 * until the next edit, so rules that look into the same object scan it once. It is
 * never kept in a global (the arena is rewound after every call).
 */
export class Doc {
  changed: bool = false;
  private objs: i32[] = [];
  private lists: Member[][] = [];

  /** `members`: those of the root object, whose `{` is at `root`, as the validating scan found them. */
  constructor(public b: Uint8Array, root: i32, members: Member[]) {
    this.objs.push(root);
    this.lists.push(members);
  }

  /** Every member of the object whose `{` is at `obj`, in order. */
  private members(obj: i32): Member[] {
    for (let k = 0; k < this.objs.length; k++) if (this.objs[k] == obj) return this.lists[k];
    const b = this.b;
    const out: Member[] = [];
    const n = b.length;
    let i = skipWs(b, obj + 1);
    while (i < n && b[i] == 0x22) {
      const ks = i;
      const ke = skipString(b, i);
      i = skipWs(b, ke);
      if (i >= n || b[i] != 0x3a) break;
      const vs = skipWs(b, i + 1);
      const ve = skipValue(b, vs);
      out.push(new Member(new Span(ks, ke), new Span(vs, ve)));
      i = skipWs(b, ve);
      if (i >= n || b[i] != 0x2c) break;
      i = skipWs(b, i + 1);
    }
    this.objs.push(obj);
    this.lists.push(out);
    return out;
  }

  private edit(start: i32, end: i32, insert: Uint8Array): void {
    this.b = splice(this.b, start, end, insert);
    this.changed = true;
    this.objs = [];
    this.lists = [];
  }

  /** Index of the last member named `key` (the one JSON.parse keeps), or -1. */
  private lastIndex(ms: Member[], key: Key): i32 {
    let i = ms.length - 1;
    while (i >= 0 && !key.matches(this.b, ms[i].key)) i--;
    return i;
  }

  /** Offset of the `{` of the object reached by the first `count` keys of `path`, or -1. */
  private objectAt(path: Key[], count: i32): i32 {
    const b = this.b;
    let at = skipWs(b, 0);
    for (let k = 0; k < count; k++) {
      const ms = this.members(at);
      const i = this.lastIndex(ms, path[k]);
      if (i < 0) return -1;
      at = ms[i].value.start;
      if (at >= b.length || b[at] != 0x7b) return -1;
    }
    return at;
  }

  /** Remove every member named `key` from the object at `obj`. */
  private removeAll(obj: i32, key: Key): void {
    const empty = new Uint8Array(0);
    while (true) {
      const ms = this.members(obj);
      const n = ms.length;
      const i = this.lastIndex(ms, key);
      if (i < 0) return;
      // Take the comma after the member (or, for the last one, the comma before it)
      // so that the members around it keep their own whitespace.
      if (n == 1) this.edit(obj + 1, skipWs(this.b, ms[0].value.end), empty);
      else if (i < n - 1) this.edit(ms[i].key.start, ms[i + 1].key.start, empty);
      else this.edit(ms[i - 1].value.end, ms[i].value.end, empty);
    }
  }

  /** Remove the member at `path` (every duplicate of it). */
  remove(path: Key[]): void {
    const last = path.length - 1;
    const obj = this.objectAt(path, last);
    if (obj >= 0) this.removeAll(obj, path[last]);
  }

  /**
   * Rename the last key of `path` to `to` within its object. A member already named
   * `to` is dropped, as the renamed one replaces it; nothing changes if `path` is absent.
   */
  rename(path: Key[], to: Key): void {
    const last = path.length - 1;
    const from = path[last];
    const obj = this.objectAt(path, last);
    if (obj < 0 || from.text == to.text || this.lastIndex(this.members(obj), from) < 0) return;
    this.removeAll(obj, to);
    const key = bytes(encodeString(to.text));
    const ms = this.members(obj);
    // Back to front: an edit never moves the spans before it.
    for (let i = ms.length - 1; i >= 0; i--) {
      const k = ms[i].key;
      if (from.matches(this.b, k)) this.edit(k.start, k.end, key);
    }
  }

  /**
   * Set `path` to the JSON text `value`: an existing value is replaced; missing keys
   * are created, with objects for missing intermediate keys. Nothing changes if an
   * intermediate value exists but is not an object.
   */
  set(path: Key[], value: Uint8Array): void {
    let at = skipWs(this.b, 0);
    const last = path.length - 1;
    for (let k = 0; k <= last; k++) {
      const ms = this.members(at);
      const i = this.lastIndex(ms, path[k]);
      if (i < 0) {
        const member = nested(path, k, value, ms.length > 0);
        const pos = ms.length > 0 ? ms[ms.length - 1].value.end : at + 1;
        this.edit(pos, pos, member);
        return;
      }
      const v = ms[i].value;
      if (k == last) {
        this.edit(v.start, v.end, value);
        return;
      }
      if (v.start >= this.b.length || this.b[v.start] != 0x7b) return;
      at = v.start;
    }
  }
}

/** `,"path[from]":{"path[from+1]":{...:value}}` as bytes (the comma if `comma`). */
function nested(path: Key[], from: i32, value: Uint8Array, comma: bool): Uint8Array {
  let open = comma ? "," : "";
  let close = "";
  for (let k = from; k < path.length; k++) {
    if (k > from) open += "{";
    open += encodeString(path[k].text) + ":";
    if (k > from) close += "}";
  }
  const head = bytes(open);
  const tail = bytes(close);
  const out = new Uint8Array(head.length + value.length + tail.length);
  out.set(head, 0);
  out.set(value, head.length);
  out.set(tail, head.length + value.length);
  return out;
}
