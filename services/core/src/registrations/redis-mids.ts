import { QUEUE_STATUSES } from '../model.js';
import { CMD } from '../redis/codec.js';
import { PRELUDE, type ScriptTable } from '../redis/scripts.js';
import { MID_MAX, MID_RECLAIM_AT } from './registration.js';

/**
 * The mid scripts of RedisRegistrationStore. The mid hash `P{pN}:lwmid:<dev>` (`m:<mid>` → command id,
 * `c:<command id>` → mid) is in the slot of the device's commands, so a mid is given in the same script
 * as the delivery step that takes the command: the command library (scripts.ts PRELUDE: `takeNext`,
 * `transitionThenTake`) and the mid library below, one script, one round trip. The command store knows
 * nothing of mids; these scripts call its steps exactly as its own scripts do.
 */

/**
 * Lua: FNV-1a 32 of a string's bytes, the same function as partition.ts's fnv1a32 (Lua numbers are
 * doubles: the multiplication by the FNV prime 2^24 + 403 is split so that every step stays exact).
 */
export const FNV1A32_LUA = `
local function fnv1a32(s)
  local h = 2166136261
  for i = 1, #s do
    h = bit.bxor(h, string.byte(s, i)) % 4294967296
    h = (bit.lshift(h, 24) % 4294967296 + h * 403) % 4294967296
  end
  return h
end
`;

/** Lua: candidateMid and assignMid of registration.ts / RegistrationStore.assignMid. */
export const MID_LUA = `${FNV1A32_LUA}
local function candidateMid(id) return fnv1a32(id) % ${MID_MAX} + 1 end

-- The command's mid: the one it has, else candidate or the next free one; reclaims the mids of commands
-- that left the queue once the device has ${MID_RECLAIM_AT} (cmdPrefix .. id is a command hash).
local function assignMid(midKey, id, candidate, ttl, cmdPrefix)
  local existing = redis.call('HGET', midKey, 'c:' .. id)
  if existing then
    redis.call('PEXPIRE', midKey, ttl)
    return tonumber(existing)
  end
  if redis.call('HLEN', midKey) >= ${2 * MID_RECLAIM_AT} then
    local live = ',${QUEUE_STATUSES.join(',')},'
    local flat = redis.call('HGETALL', midKey)
    for i = 1, #flat, 2 do
      if string.sub(flat[i], 1, 2) == 'm:' then
        local status = redis.call('HGET', cmdPrefix .. flat[i + 1], '${CMD.status}')
        if not status or not string.find(live, ',' .. status .. ',', 1, true) then
          redis.call('HDEL', midKey, flat[i], 'c:' .. flat[i + 1])
        end
      end
    end
  end
  local mid = tonumber(candidate)
  for _ = 1, ${MID_MAX} do
    if redis.call('HSETNX', midKey, 'm:' .. mid, id) == 1 then break end
    mid = mid % ${MID_MAX} + 1
  end
  redis.call('HSET', midKey, 'c:' .. id, mid)
  redis.call('PEXPIRE', midKey, ttl)
  return mid
end
`;

/**
 * KEYS: mid hash. ARGV: command id, candidate mid, ttl ms, command key prefix of the partition.
 * Returns the command's mid.
 */
const ASSIGN_MID = `${MID_LUA}
return assignMid(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4])
`;

/**
 * Lua (after PRELUDE and MID_LUA): `takeNext` with ARGV[first .. first + 5] as its arguments; the command
 * taken gets its mid (ttl ARGV[first + 6]), 5th in the reply.
 */
export const TAKE_WITH_MID_LUA = `
local function takeNextWithMid(midKey, first)
  local r = takeNext(ARGV[first], ARGV[first + 1], ARGV[first + 2], ARGV[first + 3], ARGV[first + 4], ARGV[first + 5])
  if r[3] then r[5] = assignMid(midKey, r[3], candidateMid(r[3]), ARGV[first + 6], ARGV[first] .. SEG.command) end
  return r
end
`;

/**
 * KEYS: the device's pending index, its mid hash. ARGV: those of snoozeTakeNext (6), then the mid ttl.
 * Returns the reply of snoozeTakeNext, with the mid 5th when a command was taken.
 */
const TAKE_NEXT = `${PRELUDE}${MID_LUA}${TAKE_WITH_MID_LUA}
return takeNextWithMid(KEYS[2], 1)
`;

/**
 * KEYS: command hash, the device's mid hash. ARGV: those of snoozeTransition with its take (13), then
 * the mid ttl. Returns the reply of snoozeTransition, the take's with the mid 5th when one was taken.
 */
const TRANSITION = `${PRELUDE}${MID_LUA}
local r = transitionThenTake(KEYS[1])
local t = r[4]
if t and t[3] then t[5] = assignMid(KEYS[2], t[3], candidateMid(t[3]), ARGV[14], ARGV[1] .. SEG.command) end
return r
`;

export const MID_SCRIPTS = {
  snoozeLwAssignMid: { keys: 1, lua: ASSIGN_MID },
  snoozeLwTakeNext: { keys: 2, lua: TAKE_NEXT },
  snoozeLwTransition: { keys: 2, lua: TRANSITION },
} as const satisfies ScriptTable;
