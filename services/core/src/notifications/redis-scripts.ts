/**
 * The forwarder's Lua scripts. Each write is fenced by the partition lease: it applies only while the caller
 * still holds it, so a replica that lost its lease cannot move the cursor or drop outbox entries.
 */

/**
 * KEYS: lease, cursor, events, outbox set. ARGV: holder, outbox key prefix, throughId, n, then n × (member,
 * event id, event JSON). Appends to each outbox, moves the cursor, trims the log through the cursor.
 * Returns {1, {outbox ids in item order}}, or {0} when the lease is not the holder's.
 * `MINID ~` trims whole stream nodes only (cheap); what it leaves is behind the cursor and never read again.
 */
const FAN_OUT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return { 0 } end
local prefix, n = ARGV[2], tonumber(ARGV[4])
local members, ids = {}, {}
for k = 0, n - 1 do
  local member = ARGV[5 + 3 * k]
  ids[k + 1] = redis.call('XADD', prefix .. member, '*', 'i', ARGV[6 + 3 * k], 'e', ARGV[7 + 3 * k])
  if not members[member] then
    members[member] = true
    redis.call('SADD', KEYS[4], member)
  end
end
redis.call('SET', KEYS[2], ARGV[3])
local ms, seq = string.match(ARGV[3], '^(%d+)-(%d+)$')
redis.call('XTRIM', KEYS[3], 'MINID', '~', ms .. '-' .. (tonumber(seq) + 1))
return { 1, ids }
`;

/**
 * KEYS: lease, outbox, dead-letter stream, outbox set. ARGV: holder, member, dead-letter cap, n delivered,
 * their ids, m dead, then m × (id, cause, reason, attempts). Removes delivered entries, moves dead ones (with their
 * fields) to the dead letters, and forgets the outbox once it is empty.
 */
const SETTLE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local n = tonumber(ARGV[4])
for k = 1, n do redis.call('XDEL', KEYS[2], ARGV[4 + k]) end
local base = 5 + n
for k = 0, tonumber(ARGV[base]) - 1 do
  local id = ARGV[base + 1 + 4 * k]
  local found = redis.call('XRANGE', KEYS[2], id, id)[1]
  if found then
    redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', 'o', ARGV[2], 'q', id, 'cause', ARGV[base + 2 + 4 * k],
               'reason', ARGV[base + 3 + 4 * k], 'attempts', ARGV[base + 4 + 4 * k], unpack(found[2]))
    redis.call('XDEL', KEYS[2], id)
  end
end
if redis.call('XLEN', KEYS[2]) == 0 then
  redis.call('DEL', KEYS[2])
  redis.call('SREM', KEYS[4], ARGV[2])
end
return 1
`;

/** KEYS: lease. ARGV: holder, ttl ms. Extends the lease only while the holder still has it. */
const RENEW = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;

/**
 * KEYS: replicas zset. ARGV: holder, ttl ms. Scores are expiry times on Redis's clock, so replicas with
 * skewed clocks still agree on who is alive. Returns the number of live replicas.
 */
const HEARTBEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[1], 2 * ttl)
return redis.call('ZCARD', KEYS[1])
`;

export const NOTIFY_SCRIPTS = {
  snoozeNotifyFanOut: { keys: 4, lua: FAN_OUT },
  snoozeNotifySettle: { keys: 4, lua: SETTLE },
  snoozeNotifyRenew: { keys: 1, lua: RENEW },
  snoozeNotifyHeartbeat: { keys: 1, lua: HEARTBEAT },
} as const;

export type NotifyScript = keyof typeof NOTIFY_SCRIPTS;
