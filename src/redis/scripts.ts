import { createHash } from 'node:crypto';

/**
 * The Lua scripts that make `incr` and `compare-and-swap` atomic in Redis: a script runs
 * to its end before Redis serves any other command, so no other process (or connection of
 * this one) can interleave between the read and the write. Chosen over WATCH/MULTI, which
 * is optimistic (retries under contention, unbounded with many writers on one hot key),
 * needs a connection of its own per transaction (WATCH state is per connection) and costs
 * at least three round trips where a script costs one.
 *
 * Arguments travel as binary strings (Lua strings are byte strings) and TTLs as decimal
 * strings: a Lua number is a double, printed as `1e+15` past 14 digits, which `PX` refuses.
 */
export interface Script {
  readonly source: string;
  /** SHA-1 of the source, for EVALSHA: Redis caches a script by it after its first EVAL. */
  readonly sha: string;
}

function script(source: string): Script {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/** Write `v` under KEYS[1] with the TTL in `ttl` ('0': no expiry, clearing any). */
const PUT = `
local function put(v, ttl)
  if ttl == '0' then redis.call('SET', KEYS[1], v) else redis.call('SET', KEYS[1], v, 'PX', ttl) end
end
`;

/**
 * INCR. ARGV: delta as 8 bytes little-endian s64, ttl. Counters are 8-byte LE s64 (as in
 * MemoryStore, so `get` reads the same bytes). Lua has no 64-bit integers, so the sum is
 * done on unsigned 32-bit halves with a carry: every intermediate stays below 2^34, exact
 * in a double, and unsigned arithmetic mod 2^64 is two's-complement wrap. Returns the new
 * 8 bytes, or '' when the key holds something else (never 8 bytes: it means "not a counter").
 * A ttl above 0 (re)sets expiry; with 0 an existing key keeps its expiry (KEEPTTL), as in
 * MemoryStore, and a new key gets none.
 */
export const INCR = script(`${PUT}
local cur = redis.call('GET', KEYS[1])
local lo, hi = 0, 0
if cur then
  if #cur ~= 8 then return '' end
  lo, hi = struct.unpack('<I4I4', cur)
end
local dlo, dhi = struct.unpack('<I4I4', ARGV[1])
lo = lo + dlo
local carry = 0
if lo >= 4294967296 then lo = lo - 4294967296; carry = 1 end
hi = (hi + dhi + carry) % 4294967296
local v = struct.pack('<I4I4', lo, hi)
if ARGV[2] == '0' and cur then redis.call('SET', KEYS[1], v, 'KEEPTTL') else put(v, ARGV[2]) end
return v
`);

/**
 * COMPARE-AND-SWAP. ARGV: '1' if a value is expected ('0': the key must be absent), the
 * expected bytes, the new value, ttl. Lua compares strings byte by byte. Returns 1 if swapped.
 */
export const CAS = script(`${PUT}
local cur = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if cur ~= ARGV[2] then return 0 end
elseif cur then
  return 0
end
put(ARGV[3], ARGV[4])
return 1
`);
