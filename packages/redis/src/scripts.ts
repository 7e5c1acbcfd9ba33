import { createHash } from 'node:crypto';

/**
 * The store's multi-step operations, each one Lua script so Redis runs it atomically: no other
 * client's command lands between its read and its write. Time is Redis's own (`TIME`), so processes
 * whose clocks disagree still agree on the pace. Redis ≥ 5 replicates a script's effects, not the
 * script, which is what makes `TIME` before a write allowed.
 */
export interface LuaScript {
  readonly source: string;
  /** SHA-1 of the source, for `EVALSHA` (the script is sent whole only when Redis lacks it). */
  readonly sha: string;
}

function script(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

// Redis's clock, in ms. Shared by the scripts below.
const NOW = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
`;

/**
 * KEYS[1] the pace's last slot; ARGV[1] the interval, ms. The next slot is `max(now, last + interval)`;
 * it is kept until one interval after it (then any new call may start at once anyway). Returns the
 * wait before the slot, ms.
 */
export const RESERVE_SLOT = script(`${NOW}
local interval = tonumber(ARGV[1])
local last = tonumber(redis.call('GET', KEYS[1]))
local slot = now
if last ~= nil and last + interval > now then slot = last + interval end
redis.call('SET', KEYS[1], slot, 'PX', slot - now + math.max(interval, 1))
return slot - now
`);

/**
 * KEYS[1] a sorted set of lease ids scored by their expiry (ms on Redis's clock); ARGV[1] max,
 * ARGV[2] ttl ms, ARGV[3] the new lease's id. Expired leases are dropped first, so a crashed
 * holder's lease frees itself; the set itself lives as long as its longest lease.
 */
export const ACQUIRE_LEASE = script(`${NOW}
local max = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= max then return false end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[3])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return ARGV[3]
`);

/** KEYS[1] the counter; ARGV[1] ttl ms, set when the counter has none (it was just created). */
export const INCREMENT = script(`
local value = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return value
`);
