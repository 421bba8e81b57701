import type { Redis } from 'ioredis';
import { CMD, DEV } from './codec.js';
import { SEG } from './keys.js';

/**
 * The Lua scripts of RedisStore. Each multi-key change is one script, so it is atomic and needs one
 * round trip. The scripts know the key layout and field names (generated from keys.ts / codec.ts
 * into the `SEG` and `F` tables below) but no lifecycle rule: the caller passes every target status
 * with its legal predecessors (`from`, from LEGAL_FROM), its index placement and its time-stamp field.
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
 * The Lua library every command script starts with: key segments and field names, index placement, events,
 * and the two delivery steps (`transition`, `takeNext`) as functions. Scripts of other modules that change
 * commands in the same unit as keys of their own (the registration store's mids) start with it too, so a
 * rule of the command lifecycle is written once.
 */
export const PRELUDE = `
local F = ${luaTable(CMD)}
local DF = ${luaTable(DEV)}
local SEG = ${luaTable(SEG)}

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

-- Moves an id into the per-device and partition indexes of its placement. Final commands never
-- move again, so only the pending/active indexes need clearing.
local function place(dk, pk, id, placement, score)
  redis.call('ZREM', dk.pend, id)
  redis.call('ZREM', dk.act, id)
  redis.call('ZREM', pk.exp, id)
  redis.call('ZREM', pk.tmo, id)
  if placement == 'pending' then
    redis.call('ZADD', dk.pend, 0, id)
    redis.call('ZADD', pk.exp, score, id)
  elseif placement == 'active' then
    redis.call('ZADD', dk.act, 0, id)
    redis.call('ZADD', pk.tmo, score, id)
  else
    redis.call('ZADD', dk.hist, 0, id)
    redis.call('ZADD', pk.ret, score, id)
  end
end

-- Appends the command's current state as an event: everything a notification needs, as one JSON field
-- of string values (cjson then has no number or empty-table ambiguity to get wrong; the result stays the
-- JSON text it is stored as). One field instead of thirteen: readers decode one string per event.
local function emit(base, dk, pk, id, at)
  local c = redis.call('HMGET', cmdKey(base, id), F.projectId, F.deviceId, F.status, F.createdAt,
                       F.sentAt, F.deliveredAt, F.respondedAt, F.result)
  local f = { projectId = c[1], deviceId = c[2], commandId = id, status = c[3], at = at, createdAt = c[4] }
  local function add(name, value)
    if value then f[name] = value end
  end
  add('sentAt', c[5])
  add('deliveredAt', c[6])
  add('respondedAt', c[7])
  add('result', c[8] or redis.call('GET', resultKey(base, id)))
  local dv = redis.call('HMGET', dk.dev, DF.nodeId, DF.productId, DF.gatewayId, DF.profile)
  add('nodeId', dv[1])
  add('productId', dv[2])
  add('gatewayId', dv[3])
  if dv[4] then
    local ok, profile = pcall(cjson.decode, dv[4])
    if ok and type(profile) == 'table' and type(profile.appId) == 'string' then add('appId', profile.appId) end
  end
  redis.call('XADD', pk.events, '*', 'j', cjson.encode(f))
end

-- Stores a JSON value inline when short (the hash stays listpack-encoded) or in its own key.
local function putJson(ck, field, key, json, inlineMax)
  if #json <= tonumber(inlineMax) then
    redis.call('HSET', ck, field, json)
    redis.call('DEL', key)
  else
    redis.call('SET', key, json)
    redis.call('HDEL', ck, field)
  end
end

-- Applies a change whose legality the caller has checked: status, stamp, result, indexes, event.
local function change(base, dk, pk, id, to, at, placement, score, stamp, result, inlineMax)
  local ck = cmdKey(base, id)
  redis.call('HSET', ck, F.status, to)
  if stamp ~= '' then redis.call('HSET', ck, stamp, at) end
  if result ~= '' then putJson(ck, F.result, resultKey(base, id), result, inlineMax) end
  place(dk, pk, id, placement, score)
  emit(base, dk, pk, id, at)
end

local function snapshot(base, id)
  return { redis.call('HGETALL', cmdKey(base, id)), redis.call('GET', parasKey(base, id)),
           redis.call('GET', resultKey(base, id)) }
end

-- One command's status change, checked against its legal predecessors. ck is the command hash; a holds
-- the 17 values of a transition: base, id, projectId, deviceId, to, from (csv), placement, stamp field, at,
-- score, result JSON (or ''), inlineMax, brief ('1': no snapshot back), then a step the command passes
-- through first when it is in that step's predecessors: its time ('' for none), status, from (csv) and
-- stamp field (announced with an event of its own; the change that follows places the command).
-- Returns {1, snapshot or false} | {0, 'not_found'} | {0, 'illegal', current}.
local function transition(ck, a)
  local base, id, p, d = a[1], a[2], a[3], a[4]
  local cur = redis.call('HMGET', ck, F.projectId, F.deviceId, F.status)
  if not cur[3] or cur[1] ~= p or cur[2] ~= d then return { 0, 'not_found' } end
  if not inList(a[6], cur[3]) then return { 0, 'illegal', cur[3] } end
  local dk, pk = devKeys(base, p, d), partKeys(base)
  if a[14] ~= '' and inList(a[16], cur[3]) then
    redis.call('HSET', ck, F.status, a[15], a[17], a[14])
    emit(base, dk, pk, id, a[14])
  end
  change(base, dk, pk, id, a[5], a[9], a[7], a[10], a[8], a[11], a[12])
  if a[13] == '1' then return { 1, false } end
  return { 1, snapshot(base, id) }
end

-- Serial delivery: unless a command of the device is in flight, its oldest PENDING one becomes SENT with
-- deadline; overdue ones met on the way become EXPIRED instead of being sent. t holds two targets of 4
-- values (status, from csv, placement, stamp): t[1..4] the delivery one (SENT), t[5..8] the expiry one.
-- Returns {busy 0|1, expired count} plus, when one was taken, its id and snapshot.
local function takeNext(base, p, d, now, deadline, inlineMax, t)
  local dk, pk = devKeys(base, p, d), partKeys(base)
  if redis.call('ZCARD', dk.act) > 0 then return { 1, 0 } end
  local expired = 0
  while true do
    local id = redis.call('ZRANGE', dk.pend, 0, 0)[1]
    if not id then return { 0, expired } end
    local c = redis.call('HMGET', cmdKey(base, id), F.status, F.expiresAt)
    if not inList(t[2], c[1]) then
      -- An index entry without a record the delivery may take: drop it so the queue cannot stall.
      redis.call('ZREM', dk.pend, id)
      redis.call('ZREM', pk.exp, id)
    elseif tonumber(c[2]) <= tonumber(now) and inList(t[6], c[1]) then
      change(base, dk, pk, id, t[5], now, t[7], now, t[8], '', inlineMax)
      expired = expired + 1
    else
      change(base, dk, pk, id, t[1], now, t[3], deadline, t[4], '', inlineMax)
      return { 0, expired, id, snapshot(base, id) }
    end
  end
end

-- A transition (ARGV[1..17], see transition()) whose caller may ask, with ARGV[18] = the ack deadline and
-- ARGV[19..26] = the two take targets, for the device's next command in the same unit: taken at the
-- transition's time, whatever the transition's outcome (a late or repeated result still frees the device
-- when its command is over). The take's reply is then the 4th element (the 3rd is false unless 'illegal').
local function transitionThenTake(ck)
  local r = transition(ck, ARGV)
  if ARGV[18] == nil then return r end
  r[3] = r[3] or false
  r[4] = takeNext(ARGV[1], ARGV[3], ARGV[4], ARGV[9], ARGV[18], ARGV[12], { unpack(ARGV, 19, 26) })
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
redis.call('HSET', ck, unpack(ARGV, 11))
putJson(ck, F.paras, parasKey(base, id), ARGV[9], ARGV[8])
place(dk, pk, id, placement, ARGV[6])
emit(base, dk, pk, id, ARGV[10])
return { 1 }
`;

/**
 * KEYS: command hash. ARGV: base, id, projectId, deviceId, to, from (csv), placement, stamp field,
 * at, score, result JSON (or ''), inlineMax, brief ('1' or ''); optionally the take-next deadline and
 * targets (see transitionThenTake).
 * Returns {1, snapshot or false} | {0, 'not_found'} | {0, 'illegal', current}, with the take's reply 4th
 * when asked.
 */
const TRANSITION = `${PRELUDE}
return transitionThenTake(KEYS[1])
`;

/**
 * KEYS: the device's pending index. ARGV: base, projectId, deviceId, now, deadline, inlineMax,
 * then two targets of 4 values each (status, from csv, placement, stamp): the delivery one (SENT)
 * and the expiry one (EXPIRED).
 * Returns {busy 0|1, expired count} plus, when one was taken, its id and snapshot.
 */
const TAKE_NEXT = `${PRELUDE}
return takeNext(ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], { unpack(ARGV, 7, 14) })
`;

/**
 * KEYS: expiry, timeout, retention indexes and events of the partition. ARGV: base, now, retentionMs,
 * batch, inlineMax, then the expiry target and the timeout target (4 values each, as above).
 * Returns {expired, timedOut, purged, more 0|1}.
 */
const SWEEP = `${PRELUDE}
local base, now, batch = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[4])
local inlineMax = ARGV[5]
local pk = partKeys(base)
local function endOverdue(index, to, from, placement, stamp)
  local ids = redis.call('ZRANGE', index, '-inf', now, 'BYSCORE', 'LIMIT', 0, batch)
  local ended = 0
  for _, id in ipairs(ids) do
    local c = redis.call('HMGET', cmdKey(base, id), F.projectId, F.deviceId, F.status)
    if inList(from, c[3]) then
      change(base, devKeys(base, c[1], c[2]), pk, id, to, ARGV[2], placement, ARGV[2], stamp, '', inlineMax)
      ended = ended + 1
    else
      redis.call('ZREM', index, id)
    end
  end
  return ended, #ids
end
local expired, seenExpired = endOverdue(pk.exp, ARGV[6], ARGV[7], ARGV[8], ARGV[9])
local timedOut, seenTimedOut = endOverdue(pk.tmo, ARGV[10], ARGV[11], ARGV[12], ARGV[13])
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
