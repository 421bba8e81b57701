import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { CORE_DEFAULTS } from '../defaults.js';
import type { DeviceRef } from '../model.js';
import { QUEUE_STATUSES } from '../model.js';
import { CMD } from '../redis/codec.js';
import { RedisKeys } from '../redis/keys.js';
import { registerScriptTable, runTableScript, type ScriptTable } from '../redis/scripts.js';
import type { Binding, NewRegistration, Registration, RegistrationStore, RegistrationUpdate } from './registration.js';
import { MID_MAX, MID_RECLAIM_AT } from './registration.js';

/**
 * Key segments of the registration keys, beside the core's layout (keys.ts) and in the device's
 * partition, so every script below touches one cluster slot:
 *
 * | key                    | type   | content                                                       |
 * | ---------------------- | ------ | ------------------------------------------------------------- |
 * | `P{pN}:lwreg:<dev>`    | hash   | the registration (fields `R`), TTL = lifetime                 |
 * | `P{pN}:lwrid:<rid>`    | string | `<projectId>:<deviceId>` of registration `<rid>`, same TTL    |
 * | `P{pN}:lwmid:<dev>`    | hash   | `m:<mid>` → command id and `c:<command id>` → mid, TTL renewed |
 *
 * The mid hash is in the slot of the device's commands, so reclaiming reads their status in place.
 *
 * A registration id is `<N>-<random>`: the partition is in the id, so update and de-register (which
 * only know the id) find the slot without a global index.
 */
const SEG = { registration: 'lwreg:', registrationId: 'lwrid:', mids: 'lwmid:' } as const;

/** Hash field names (short: one registration per device, millions of devices). */
const R = {
  registrationId: 'id',
  projectId: 'p',
  deviceId: 'd',
  nodeId: 'n',
  productId: 'pr',
  address: 'a',
  port: 'pt',
  binding: 'b',
  lifetimeS: 'lt',
  lwm2m: 'v',
  ingressId: 'i',
  registeredAt: 'ra',
  updatedAt: 'ua',
} as const satisfies Record<keyof Registration, string>;

/** KEYS: registration hash, new id key. ARGV: id key prefix, ttl ms, `<p>:<d>`, field/value pairs. */
const REGISTER = `
local previous = redis.call('HGETALL', KEYS[1])
local old = redis.call('HGET', KEYS[1], '${R.registrationId}')
if old then redis.call('DEL', ARGV[1] .. old) end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[2])
return previous
`;

/**
 * Resolves an id key to its registration hash, or returns nil when either is gone or the hash now
 * belongs to a newer registration of the device.
 */
const RESOLVE = `
local function resolve(idKey, regPrefix, id)
  local dev = redis.call('GET', idKey)
  if not dev then return nil end
  local regKey = regPrefix .. dev
  if redis.call('HGET', regKey, '${R.registrationId}') ~= id then return nil end
  return regKey
end
`;

/** KEYS: id key. ARGV: registration key prefix, id. */
const FIND = `${RESOLVE}
local regKey = resolve(KEYS[1], ARGV[1], ARGV[2])
if not regKey then return nil end
return redis.call('HGETALL', regKey)
`;

/** KEYS: id key. ARGV: registration key prefix, id, updatedAt, then changed field/value pairs. */
const UPDATE = `${RESOLVE}
local regKey = resolve(KEYS[1], ARGV[1], ARGV[2])
if not regKey then return nil end
redis.call('HSET', regKey, '${R.updatedAt}', ARGV[3], unpack(ARGV, 4))
local ttl = tonumber(redis.call('HGET', regKey, '${R.lifetimeS}')) * 1000
redis.call('PEXPIRE', regKey, ttl)
redis.call('PEXPIRE', KEYS[1], ttl)
return redis.call('HGETALL', regKey)
`;

/** KEYS: id key. ARGV: registration key prefix, id. */
const REMOVE = `${RESOLVE}
local regKey = resolve(KEYS[1], ARGV[1], ARGV[2])
if not regKey then return nil end
local fields = redis.call('HGETALL', regKey)
redis.call('DEL', regKey, KEYS[1])
return fields
`;

/**
 * KEYS: mid hash. ARGV: command id, candidate mid, ttl ms, command key prefix of the partition.
 * Returns the command's mid. Reclaims the mids of commands that left the queue (see RegistrationStore).
 */
const ASSIGN_MID = `
local existing = redis.call('HGET', KEYS[1], 'c:' .. ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if existing then return tonumber(existing) end
if redis.call('HLEN', KEYS[1]) >= ${2 * MID_RECLAIM_AT} then
  local live = ',${QUEUE_STATUSES.join(',')},'
  local flat = redis.call('HGETALL', KEYS[1])
  for i = 1, #flat, 2 do
    if string.sub(flat[i], 1, 2) == 'm:' then
      local status = redis.call('HGET', ARGV[4] .. flat[i + 1], '${CMD.status}')
      if not status or not string.find(live, ',' .. status .. ',', 1, true) then
        redis.call('HDEL', KEYS[1], flat[i], 'c:' .. flat[i + 1])
      end
    end
  end
end
local mid = tonumber(ARGV[2])
for _ = 1, ${MID_MAX} do
  if redis.call('HSETNX', KEYS[1], 'm:' .. mid, ARGV[1]) == 1 then break end
  mid = mid % ${MID_MAX} + 1
end
redis.call('HSET', KEYS[1], 'c:' .. ARGV[1], mid)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return mid
`;

const SCRIPTS = {
  snoozeLwRegister: { keys: 2, lua: REGISTER },
  snoozeLwFind: { keys: 1, lua: FIND },
  snoozeLwUpdate: { keys: 1, lua: UPDATE },
  snoozeLwRemove: { keys: 1, lua: REMOVE },
  snoozeLwAssignMid: { keys: 1, lua: ASSIGN_MID },
} as const satisfies ScriptTable;

export interface RedisRegistrationStoreOptions {
  keyPrefix?: string;
  partitions?: number;
}

/** RegistrationStore on Redis: one Lua script (one round trip, one slot) per operation. */
export class RedisRegistrationStore implements RegistrationStore {
  readonly keys: RedisKeys;
  constructor(
    private readonly redis: Redis,
    options: RedisRegistrationStoreOptions = {},
  ) {
    this.keys = new RedisKeys(options.keyPrefix ?? CORE_DEFAULTS.keyPrefix, options.partitions);
    registerScriptTable(redis, SCRIPTS);
  }

  async register(input: NewRegistration): Promise<{ registration: Registration; replaced?: Registration }> {
    const partition = this.keys.partitionOf(input);
    const registration: Registration = {
      ...input,
      registrationId: `${partition}-${randomBytes(8).toString('base64url')}`,
      updatedAt: input.registeredAt,
    };
    const base = this.keys.base(partition);
    const previous = await this.run(
      'snoozeLwRegister',
      [this.registrationKey(input), base + SEG.registrationId + registration.registrationId],
      [
        base + SEG.registrationId,
        input.lifetimeS * 1000,
        `${input.projectId}:${input.deviceId}`,
        ...toFields(registration),
      ],
    );
    const replaced = fromFlat(previous);
    return replaced ? { registration, replaced } : { registration };
  }

  async get(ref: DeviceRef): Promise<Registration | undefined> {
    return fromFields(await this.redis.hgetall(this.registrationKey(ref)));
  }

  findById(registrationId: string): Promise<Registration | undefined> {
    return this.byId('snoozeLwFind', registrationId, []);
  }

  update(registrationId: string, changes: RegistrationUpdate, at: number): Promise<Registration | undefined> {
    return this.byId('snoozeLwUpdate', registrationId, [at, ...toFields(changes)]);
  }

  remove(registrationId: string): Promise<Registration | undefined> {
    return this.byId('snoozeLwRemove', registrationId, []);
  }

  async assignMid(ref: DeviceRef, commandId: string, candidate: number, ttlMs: number): Promise<number> {
    const commandPrefix = this.keys.command(this.keys.partitionOf(ref), '');
    return Number(
      await this.run('snoozeLwAssignMid', [this.midKey(ref)], [commandId, candidate, ttlMs, commandPrefix]),
    );
  }

  async commandOfMid(ref: DeviceRef, mid: number): Promise<string | undefined> {
    return (await this.redis.hget(this.midKey(ref), `m:${mid}`)) ?? undefined;
  }

  /** The scripts addressed by registration id: KEYS = its id key; ARGV = registration key prefix, id, `args`. */
  private async byId(
    name: 'snoozeLwFind' | 'snoozeLwUpdate' | 'snoozeLwRemove',
    registrationId: string,
    args: (string | number)[],
  ): Promise<Registration | undefined> {
    const base = this.baseOfId(registrationId);
    if (base === undefined) return undefined;
    const keys = [base + SEG.registrationId + registrationId];
    return fromFlat(await this.run(name, keys, [base + SEG.registration, registrationId, ...args]));
  }

  private run(name: keyof typeof SCRIPTS, keys: string[], args: (string | number)[]): Promise<unknown> {
    return runTableScript(this.redis, SCRIPTS, name, keys, args);
  }

  private registrationKey(ref: DeviceRef): string {
    return `${this.keys.baseOf(ref)}${SEG.registration}${ref.projectId}:${ref.deviceId}`;
  }

  private midKey(ref: DeviceRef): string {
    return `${this.keys.baseOf(ref)}${SEG.mids}${ref.projectId}:${ref.deviceId}`;
  }

  /** The partition prefix encoded in an id; undefined for ids this store did not make. */
  private baseOfId(registrationId: string): string | undefined {
    const match = /^(\d{1,5})-[A-Za-z0-9_-]{1,32}$/.exec(registrationId);
    const partition = match ? Number(match[1]) : Number.NaN;
    return partition < this.keys.partitions ? this.keys.base(partition) : undefined;
  }
}

function toFields(values: Partial<Registration>): string[] {
  const flat: string[] = [];
  for (const [name, field] of Object.entries(R)) {
    const value = values[name as keyof Registration];
    if (value !== undefined) flat.push(field, String(value));
  }
  return flat;
}

function fromFlat(reply: unknown): Registration | undefined {
  if (!Array.isArray(reply) || reply.length === 0) return undefined;
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < reply.length; i += 2) fields[String(reply[i])] = String(reply[i + 1]);
  return fromFields(fields);
}

function fromFields(fields: Record<string, string>): Registration | undefined {
  const registrationId = fields[R.registrationId];
  const projectId = fields[R.projectId];
  const deviceId = fields[R.deviceId];
  if (!registrationId || !projectId || !deviceId) return undefined;
  return {
    registrationId,
    projectId,
    deviceId,
    nodeId: fields[R.nodeId] ?? '',
    productId: fields[R.productId] ?? '',
    address: fields[R.address] ?? '',
    port: Number(fields[R.port]),
    binding: (fields[R.binding] ?? 'U') as Binding,
    lifetimeS: Number(fields[R.lifetimeS]),
    lwm2m: fields[R.lwm2m] ?? '',
    ingressId: fields[R.ingressId] ?? '',
    registeredAt: Number(fields[R.registeredAt]),
    updatedAt: Number(fields[R.updatedAt]),
  };
}
