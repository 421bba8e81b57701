import type { Redis } from 'ioredis';
import { LEGAL_FROM } from '../lifecycle.js';
import { COMMAND_STATUSES } from '../model.js';
import { placementOf, stampOf } from '../store-support.js';
import { CMD, DEV } from './codec.js';
import { SEG } from './keys.js';

/**
 * The Lua scripts of RedisStore. Each multi-key change is one script, so it is atomic and needs one
 * round trip. The scripts know the key layout and field names (generated from keys.ts / codec.ts
 * into the `SEG` and `F` tables below) and the lifecycle's rules (legal predecessors, index placement and
 * time stamp of each status: the `LIFE` table, generated from lifecycle.ts), never restated; a caller
 * may narrow a transition's predecessors (`from`).
 *
 * Cluster: each script touches keys of one partition only, all tagged `{pN}`. Keys known up front
 * are declared in KEYS; keys derived from index members inside a script (command hashes found by the
 * sweeper, a device's indexes) carry the same tag, so they are in the slot of KEYS[1].
 *
 * Event stream: `XADD` without a length cap. The notification forwarder trims each partition's stream up to
 * the last event it has fanned out (notifications/redis-scripts.ts), so the stream only holds events not yet
 * forwarded; a cap would silently drop exactly those when the forwarders fall behind or are down. Memory is
 * bounded by the forwarders keeping up, and a Redis that runs out of it refuses the change with its event
 * rather than losing the event.
 */

const luaTable = (entries: Record<string, string>): string =>
  `{ ${Object.entries(entries)
    .map(([name, value]) => `${name} = '${value}'`)
    .join(', ')} }`;

/**
 * The lifecycle as the scripts use it (lifecycle.ts, store-support.ts), by status: legal predecessors
 * (csv), index placement, and the name of the time it stamps ('' for none; `F[stamp]` is its field).
 */
const LIFE_LUA = `{ ${COMMAND_STATUSES.map(
  (status) =>
    `${status} = { from = '${LEGAL_FROM[status].join(',')}', place = '${placementOf(status)}', stamp = '${stampOf(status) ?? ''}' }`,
).join(', ')} }`;

/**
 * Lua: a hash as one JSON object of its string fields (false when the hash is gone), the form in which
 * scripts return a record: the client then decodes one string instead of two per field (its RESP decoder
 * costs more per string than JSON.parse does for the whole record).
 */
export const HASH_JSON_LUA = `
local function hashJson(flat)
  if #flat == 0 then return false end
  local t = {}
  for i = 1, #flat, 2 do t[flat[i]] = flat[i + 1] end
  return cjson.encode(t)
end
`;

/**
 * The Lua library every command script starts with: key segments and field names, index placement, events,
 * and the two delivery steps (`transition`, `takeNext`) as functions. Scripts of other modules that change
 * commands in the same unit as keys of their own (the registration store's mids) start with it too, so a
 * rule of the command lifecycle is written once.
 */
export const PRELUDE = `${HASH_JSON_LUA}
local F = ${luaTable(CMD)}
local DF = ${luaTable(DEV)}
local SEG = ${luaTable(SEG)}
local LIFE = ${LIFE_LUA}

local function inList(csv, value)
  return value ~= nil and value ~= false and string.find(',' .. csv .. ',', ',' .. value .. ',', 1, true) ~= nil
end

local function devKeys(base, p, d)
  local s = p .. ':' .. d
  return { dev = base .. SEG.device .. s, pend = base .. SEG.pending .. s,
           act = base .. SEG.active .. s, hist = base .. SEG.history .. s }
end

local function partKeys(base)
  return { exp = base .. SEG.expiry, tmo = base .. SEG.timeouts, ret = base .. SEG.retention,
           events = base .. SEG.events }
end

local function cmdKey(base, id) return base .. SEG.command .. id end
local function parasKey(base, id) return base .. SEG.paras .. id end
local function resultKey(base, id) return base .. SEG.result .. id end

-- What a script needs of a command (its event's fields and the delivery's checks), read once and kept
-- current by change(); nil when the hash is gone.
local function readCommand(ck)
  local v = redis.call('HMGET', ck, F.projectId, F.deviceId, F.status, F.createdAt, F.expiresAt, F.sentAt,
                       F.deliveredAt, F.respondedAt)
  if not v[3] then return nil end
  return { projectId = v[1], deviceId = v[2], status = v[3], createdAt = v[4], expiresAt = v[5],
           sentAt = v[6] or nil, deliveredAt = v[7] or nil, respondedAt = v[8] or nil }
end

-- Moves an id from the indexes of placement \`from\` (nil: a new command) to those of \`to\`. Final
-- commands never move again; within a placement only the partition index's score (the deadline) moves.
local function place(dk, pk, id, from, to, score)
  if from == to then
    if to == 'pending' then redis.call('ZADD', pk.exp, score, id)
    elseif to == 'active' then redis.call('ZADD', pk.tmo, score, id) end
    return
  end
  if from == 'pending' then
    redis.call('ZREM', dk.pend, id)
    redis.call('ZREM', pk.exp, id)
  elseif from == 'active' then
    redis.call('ZREM', dk.act, id)
    redis.call('ZREM', pk.tmo, id)
  end
  if to == 'pending' then
    redis.call('ZADD', dk.pend, 0, id)
    redis.call('ZADD', pk.exp, score, id)
  elseif to == 'active' then
    redis.call('ZADD', dk.act, 0, id)
    redis.call('ZADD', pk.tmo, score, id)
  else
    redis.call('ZADD', dk.hist, 0, id)
    redis.call('ZADD', pk.ret, score, id)
  end
end

-- The device fields every event of a script carries, read once per script run.
local deviceCache = {}
local function deviceOf(dk)
  local cached = deviceCache[dk.dev]
  if cached then return cached end
  local dv = redis.call('HMGET', dk.dev, DF.nodeId, DF.productId, DF.gatewayId, DF.profile)
  local device = { nodeId = dv[1] or nil, productId = dv[2] or nil, gatewayId = dv[3] or nil }
  if dv[4] then
    local ok, profile = pcall(cjson.decode, dv[4])
    if ok and type(profile) == 'table' and type(profile.appId) == 'string' then device.appId = profile.appId end
  end
  deviceCache[dk.dev] = device
  return device
end

-- Appends the command's current state as an event: everything a notification needs, as one JSON field
-- of string values (cjson then has no number or empty-table ambiguity to get wrong; the result stays the
-- JSON text it is stored as). One field instead of thirteen: readers decode one string per event. A
-- result is only ever recorded by the change that ends the command, so only that change's event has one.
local function emit(pk, dk, id, c, at, result)
  local dv = deviceOf(dk)
  local f = { projectId = c.projectId, deviceId = c.deviceId, commandId = id, status = c.status, at = at,
              createdAt = c.createdAt, sentAt = c.sentAt, deliveredAt = c.deliveredAt,
              respondedAt = c.respondedAt, nodeId = dv.nodeId, productId = dv.productId,
              gatewayId = dv.gatewayId, appId = dv.appId }
  if result ~= '' then f.result = result end
  redis.call('XADD', pk.events, '*', 'j', cjson.encode(f))
end

-- Adds a field/value pair to an HSET's list.
local function append(set, field, value)
  set[#set + 1] = field
  set[#set + 1] = value
end

-- Adds a JSON value to an HSET's field/value list when short (the hash stays listpack-encoded),
-- else stores it in a key of its own. Paras and results are each written once, so neither form has an
-- older copy of the other to remove.
local function addJson(set, field, key, json, inlineMax)
  if #json <= tonumber(inlineMax) then
    append(set, field, json)
  else
    redis.call('SET', key, json)
  end
end

-- Applies a change whose legality the caller has checked to the command c (as readCommand gave it):
-- status, stamp, result, indexes, event. \`set\` (or nil) holds more field/value pairs to write with it.
local function change(base, dk, pk, id, c, to, at, score, result, inlineMax, set)
  local life = LIFE[to]
  set = set or {}
  append(set, F.status, to)
  if life.stamp ~= '' then
    append(set, F[life.stamp], at)
    c[life.stamp] = at
  end
  if result ~= '' then addJson(set, F.result, resultKey(base, id), result, inlineMax) end
  redis.call('HSET', cmdKey(base, id), unpack(set))
  place(dk, pk, id, LIFE[c.status].place, life.place, score)
  c.status = to
  emit(pk, dk, id, c, at, result)
end

-- The command as the caller reads it back: its hash (as hashJson) and, only when they are not inline, its
-- paras and (of a final command, the only kind with one) its result.
local function snapshot(base, id)
  local flat = redis.call('HGETALL', cmdKey(base, id))
  local paras, result, final = false, false, false
  for i = 1, #flat, 2 do
    local field = flat[i]
    if field == F.paras then paras = true
    elseif field == F.result then result = true
    elseif field == F.status then final = LIFE[flat[i + 1]].place == 'history' end
  end
  return { hashJson(flat), (not paras) and redis.call('GET', parasKey(base, id)),
           (final and not result) and redis.call('GET', resultKey(base, id)) }
end

-- One command's status change, checked against its legal predecessors. ck is the command hash; a holds
-- the 12 values of a transition: base, id, projectId, deviceId, to, from (csv), at, score, result JSON
-- (or ''), inlineMax, brief ('1': no snapshot back), and the time of the DELIVERED step ('' for none)
-- that a command still SENT passes through first, announced with an event of its own.
-- Returns {1, snapshot or false} | {0, 'not_found'} | {0, 'illegal', current}.
local function transition(ck, a)
  local base, id, p, d = a[1], a[2], a[3], a[4]
  local c = readCommand(ck)
  if not c or c.projectId ~= p or c.deviceId ~= d then return { 0, 'not_found' } end
  if not inList(a[6], c.status) then return { 0, 'illegal', c.status } end
  local dk, pk = devKeys(base, p, d), partKeys(base)
  local set = nil
  if a[12] ~= '' and inList(LIFE.DELIVERED.from, c.status) then
    -- The step's own event; its stamp is written with the change, which leaves the same indexes.
    local stamp = LIFE.DELIVERED.stamp
    c.status, c[stamp] = 'DELIVERED', a[12]
    emit(pk, dk, id, c, a[12], '')
    set = { F[stamp], a[12] }
  end
  change(base, dk, pk, id, c, a[5], a[7], a[8], a[9], a[10], set)
  if a[11] == '1' then return { 1, false } end
  return { 1, snapshot(base, id) }
end

-- Serial delivery: unless a command of the device is in flight, its oldest PENDING one becomes SENT with
-- deadline; overdue ones met on the way become EXPIRED instead of being sent.
-- Returns {busy 0|1, expired count} plus, when one was taken, its id and snapshot.
local function takeNext(base, p, d, now, deadline, inlineMax)
  local dk, pk = devKeys(base, p, d), partKeys(base)
  if redis.call('ZCARD', dk.act) > 0 then return { 1, 0 } end
  local expired = 0
  while true do
    local id = redis.call('ZRANGE', dk.pend, 0, 0)[1]
    if not id then return { 0, expired } end
    local c = readCommand(cmdKey(base, id))
    if not c or not inList(LIFE.SENT.from, c.status) then
      -- An index entry without a record the delivery may take: drop it so the queue cannot stall.
      redis.call('ZREM', dk.pend, id)
      redis.call('ZREM', pk.exp, id)
    elseif tonumber(c.expiresAt) <= tonumber(now) and inList(LIFE.EXPIRED.from, c.status) then
      change(base, dk, pk, id, c, 'EXPIRED', now, now, '', inlineMax)
      expired = expired + 1
    else
      change(base, dk, pk, id, c, 'SENT', now, deadline, '', inlineMax)
      return { 0, expired, id, snapshot(base, id) }
    end
  end
end

-- A transition (ARGV[1..12], see transition()) whose caller may ask, with ARGV[13] = the ack deadline,
-- for the device's next command in the same unit: taken at the transition's time, whatever the
-- transition's outcome (a late or repeated result still frees the device when its command is over). The
-- take's reply is then the 4th element (the 3rd is false unless 'illegal').
local function transitionThenTake(ck)
  local r = transition(ck, ARGV)
  if ARGV[13] == nil then return r end
  r[3] = r[3] or false
  r[4] = takeNext(ARGV[1], ARGV[3], ARGV[4], ARGV[7], ARGV[13], ARGV[10])
  return r
end
`;

/**
 * KEYS: device hash. ARGV: base, id, projectId, deviceId, placement, score, maxPending, inlineMax,
 * paras JSON, createdAt, then the command's hash field/value pairs.
 * Returns {1} or {0, error key}.
 */
const CREATE = `${PRELUDE}
local base, id, p, d = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local placement = ARGV[5]
if redis.call('EXISTS', KEYS[1]) == 0 then return { 0, 'DEVICE_NOT_FOUND' } end
local dk, pk = devKeys(base, p, d), partKeys(base)
if placement == 'pending' and redis.call('ZCARD', dk.pend) >= tonumber(ARGV[7]) then
  return { 0, 'COMMAND_CACHE_FULL' }
end
local ck = cmdKey(base, id)
local set = { unpack(ARGV, 11) }
addJson(set, F.paras, parasKey(base, id), ARGV[9], ARGV[8])
redis.call('HSET', ck, unpack(set))
place(dk, pk, id, nil, placement, ARGV[6])
emit(pk, dk, id, readCommand(ck), ARGV[10], '')
return { 1 }
`;

/**
 * KEYS: command hash. ARGV: base, id, projectId, deviceId, to, from (csv), at, score, result JSON (or
 * ''), inlineMax, brief ('1' or ''), DELIVERED step time (or ''); optionally the take-next deadline (see
 * transitionThenTake).
 * Returns {1, snapshot or false} | {0, 'not_found'} | {0, 'illegal', current}, with the take's reply 4th
 * when asked.
 */
const TRANSITION = `${PRELUDE}
return transitionThenTake(KEYS[1])
`;

/**
 * KEYS: the device's pending index. ARGV: base, projectId, deviceId, now, deadline, inlineMax.
 * Returns {busy 0|1, expired count} plus, when one was taken, its id and snapshot.
 */
const TAKE_NEXT = `${PRELUDE}
return takeNext(ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6])
`;

/**
 * KEYS: expiry, timeout, retention indexes and events of the partition. ARGV: base, now, retentionMs,
 * batch, inlineMax.
 * Returns {expired, timedOut, purged, more 0|1}.
 */
const SWEEP = `${PRELUDE}
local base, now, batch = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[4])
local inlineMax = ARGV[5]
local pk = partKeys(base)
local function endOverdue(index, to)
  local ids = redis.call('ZRANGE', index, '-inf', now, 'BYSCORE', 'LIMIT', 0, batch)
  local ended = 0
  for _, id in ipairs(ids) do
    local c = readCommand(cmdKey(base, id))
    if c and inList(LIFE[to].from, c.status) then
      change(base, devKeys(base, c.projectId, c.deviceId), pk, id, c, to, ARGV[2], ARGV[2], '', inlineMax)
      ended = ended + 1
    else
      redis.call('ZREM', index, id)
    end
  end
  return ended, #ids
end
local expired, seenExpired = endOverdue(pk.exp, 'EXPIRED')
local timedOut, seenTimedOut = endOverdue(pk.tmo, 'TIMEOUT')
local old = redis.call('ZRANGE', pk.ret, '-inf', now - tonumber(ARGV[3]), 'BYSCORE', 'LIMIT', 0, batch)
for _, id in ipairs(old) do
  local c = redis.call('HMGET', cmdKey(base, id), F.projectId, F.deviceId)
  if c[1] and c[2] then redis.call('ZREM', devKeys(base, c[1], c[2]).hist, id) end
  redis.call('DEL', cmdKey(base, id), parasKey(base, id), resultKey(base, id))
  redis.call('ZREM', pk.ret, id)
end
local more = 0
if seenExpired >= batch or seenTimedOut >= batch or #old >= batch then more = 1 end
return { expired, timedOut, #old, more }
`;

/**
 * KEYS: device hash. ARGV: base, projectId, deviceId.
 * Returns {0} when absent, else {1, nodeId, recordId} for the caller to clean the non-partition indexes.
 */
const DELETE_DEVICE = `${PRELUDE}
local base, p, d = ARGV[1], ARGV[2], ARGV[3]
if redis.call('EXISTS', KEYS[1]) == 0 then return { 0 } end
local dk, pk = devKeys(base, p, d), partKeys(base)
local dv = redis.call('HMGET', KEYS[1], DF.nodeId, DF.recordId)
for _, index in ipairs({ dk.pend, dk.act, dk.hist }) do
  for _, id in ipairs(redis.call('ZRANGE', index, 0, -1)) do
    redis.call('DEL', cmdKey(base, id), parasKey(base, id), resultKey(base, id))
    redis.call('ZREM', pk.exp, id)
    redis.call('ZREM', pk.tmo, id)
    redis.call('ZREM', pk.ret, id)
  end
end
redis.call('DEL', KEYS[1], dk.pend, dk.act, dk.hist)
return { 1, dv[1], dv[2] }
`;

/** KEYS: device hash. ARGV: field/value pairs. Returns 1 when created, 0 when the device exists. */
const ADD_DEVICE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
`;

/** KEYS: hash. ARGV: field, expected value. Deletes the field only while it still holds that value. */
const HDEL_IF = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0
`;

/** KEYS: key. ARGV: expected value. Deletes the key only while it still holds that value. */
const DEL_IF = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export const SCRIPTS = {
  snoozeCreateCommand: { keys: 1, lua: CREATE },
  snoozeTransition: { keys: 1, lua: TRANSITION },
  snoozeTakeNext: { keys: 1, lua: TAKE_NEXT },
  snoozeSweep: { keys: 4, lua: SWEEP },
  snoozeDeleteDevice: { keys: 1, lua: DELETE_DEVICE },
  snoozeAddDevice: { keys: 1, lua: ADD_DEVICE },
  snoozeHdelIf: { keys: 1, lua: HDEL_IF },
  snoozeDelIf: { keys: 1, lua: DEL_IF },
} as const;

export type ScriptName = keyof typeof SCRIPTS;

/** Scripts by command name, with their number of keys. */
export type ScriptTable = Readonly<Record<string, { keys: number; lua: string }>>;

type ScriptFn = (...args: (string | number)[]) => Promise<unknown>;

/** Registers a table of scripts on a client (idempotent: the same definitions under the same names). */
export function registerScriptTable(redis: Redis, table: ScriptTable): void {
  for (const [name, script] of Object.entries(table)) {
    redis.defineCommand(name, { numberOfKeys: script.keys, lua: script.lua });
  }
}

/** Runs a script of `table` registered on the client, checking the number of keys it takes. */
export function runTableScript<T extends ScriptTable>(
  redis: Redis,
  table: T,
  name: keyof T & string,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  const script = table[name];
  if (!script || keys.length !== script.keys) throw new Error(`${name} takes ${script?.keys} keys`);
  const fn = (redis as unknown as Record<string, ScriptFn | undefined>)[name];
  if (!fn) throw new Error(`script ${name} is not registered on this client`);
  return fn.call(redis, ...keys, ...args);
}

export function registerScripts(redis: Redis): void {
  registerScriptTable(redis, SCRIPTS);
}

export function runScript(
  redis: Redis,
  name: ScriptName,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  return runTableScript(redis, SCRIPTS, name, keys, args);
}
