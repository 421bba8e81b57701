import type { Redis } from 'ioredis';
import { CORE_DEFAULTS } from '../defaults.js';
import { randomToken } from '../ids.js';
import type { CommandRef, DeviceRef } from '../model.js';
import { DEV, fieldsFromJson } from '../redis/codec.js';
import { takeNextArgs, takeNextFromReply, transitionArgs, transitionFromReply } from '../redis/delivery-calls.js';
import { SEG as CORE_SEG, RedisKeys } from '../redis/keys.js';
import { HASH_JSON_LUA, PRELUDE, registerScriptTable, runTableScript, type ScriptTable } from '../redis/scripts.js';
import type { TakeNextResult, TransitionOutcome } from '../store.js';
import { assertDeadline } from '../store-support.js';
import { MID_LUA, MID_SCRIPTS, TAKE_WITH_MID_LUA } from './redis-mids.js';
import {
  type Binding,
  type DeviceRegistered,
  type NewRegistration,
  presenceTtlMs,
  type Registration,
  type RegistrationOptions,
  type RegistrationStore,
  type RegistrationUpdate,
  type TransitionThenTake,
  type WakeUpTake,
} from './registration.js';

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
 * The mid hash is in the slot of the device's commands, so reclaiming reads their status in place and a
 * command taken for delivery gets its mid in the same script (redis-mids.ts). The core's presence key
 * `P{pN}:reg:<dev>` (keys.ts) is in the slot too: register and update set it in their scripts.
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

/**
 * Lua: a registration. KEYS: registration hash, new id key, presence key, device hash. ARGV: id key
 * prefix, ttl ms, `<p>:<d>`, presence ttl ms ('' = leave presence alone), ingress id, node id ('' = no
 * device check; else the device hash must have it, and the registration gets the device's product id),
 * then from \`fields\` field/value pairs. Returns nil when the device check fails, else {previous
 * registration (JSON) or false, product id or false}.
 */
const REGISTER_LUA = `
local function register(fields)
  local productId = false
  if ARGV[6] ~= '' then
    local dv = redis.call('HMGET', KEYS[4], '${DEV.nodeId}', '${DEV.productId}')
    if dv[1] ~= ARGV[6] or not dv[2] then return nil end
    productId = dv[2]
  end
  local previous = redis.call('HGETALL', KEYS[1])
  for i = 1, #previous, 2 do
    if previous[i] == '${R.registrationId}' then redis.call('DEL', ARGV[1] .. previous[i + 1]) end
  end
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], unpack(ARGV, fields))
  if productId then redis.call('HSET', KEYS[1], '${R.productId}', productId) end
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[2])
  if ARGV[4] ~= '' then redis.call('SET', KEYS[3], ARGV[5], 'PX', ARGV[4]) end
  return { hashJson(previous), productId }
end
`;

/** KEYS and ARGV of the registration, its fields from ARGV[7]. */
const REGISTER = `${HASH_JSON_LUA}${REGISTER_LUA}
return register(7)
`;

/**
 * KEYS: those of the registration (4), the device's mid hash. ARGV: those of the registration (6), those of
 * snoozeTakeNext (6), the mid ttl, then the field/value pairs. Returns nil when the device check fails,
 * else the registration's reply with the take's 3rd (the mid 5th in it).
 */
const REGISTER_THEN_TAKE = `${PRELUDE}${MID_LUA}${TAKE_WITH_MID_LUA}${REGISTER_LUA}
local made = register(14)
if not made then return nil end
made[3] = takeNextWithMid(KEYS[5], 7)
return made
`;

/**
 * Resolves an id key to its registration hash and the values of the hash's \`fields\` (a list, read in
 * the same call), or returns nil when either is gone or the hash now belongs to a newer registration of
 * the device.
 */
const RESOLVE = `
local function resolve(idKey, regPrefix, id, fields)
  local dev = redis.call('GET', idKey)
  if not dev then return nil end
  local regKey = regPrefix .. dev
  local values = redis.call('HMGET', regKey, '${R.registrationId}', unpack(fields))
  if values[1] ~= id then return nil end
  return regKey, { unpack(values, 2) }
end
`;

/** KEYS: id key. ARGV: registration key prefix, id. Returns the registration (JSON) or nil. */
const FIND = `${HASH_JSON_LUA}${RESOLVE}
local regKey = resolve(KEYS[1], ARGV[1], ARGV[2], {})
if not regKey then return nil end
return hashJson(redis.call('HGETALL', regKey))
`;

/**
 * Lua: an update. ARGV from `first`: registration key prefix, id, updatedAt, presence key prefix ('' =
 * leave presence alone), queue-mode window ms; the changed field/value pairs from \`fields\`. The presence
 * ttl is presenceTtlMs of registration.ts, of the updated registration. Returns the registration key and
 * its owner's project and device ids, or nil when the registration is gone.
 */
const UPDATE_LUA = `${RESOLVE}
local function update(idKey, fields)
  local regKey, r = resolve(idKey, ARGV[1], ARGV[2],
                            { '${R.lifetimeS}', '${R.binding}', '${R.ingressId}', '${R.projectId}', '${R.deviceId}' })
  if not regKey then return nil end
  -- The fields the presence needs, as the update leaves them.
  local lifetime, binding, ingress = r[1], r[2], r[3]
  for i = fields, #ARGV, 2 do
    local name, value = ARGV[i], ARGV[i + 1]
    if name == '${R.lifetimeS}' then lifetime = value
    elseif name == '${R.binding}' then binding = value
    elseif name == '${R.ingressId}' then ingress = value end
  end
  redis.call('HSET', regKey, '${R.updatedAt}', ARGV[3], unpack(ARGV, fields))
  local ttl = tonumber(lifetime) * 1000
  redis.call('PEXPIRE', regKey, ttl)
  redis.call('PEXPIRE', idKey, ttl)
  if ARGV[4] ~= '' then
    local presence = ttl
    if binding == 'UQ' then presence = math.min(ttl, tonumber(ARGV[5])) end
    redis.call('SET', ARGV[4] .. r[4] .. ':' .. r[5], ingress, 'PX', presence)
  end
  return regKey, r[4], r[5]
end
`;

/**
 * KEYS: id key. ARGV: those of the update (5), then the changed field/value pairs. Returns the updated
 * registration (JSON) or nil.
 */
const UPDATE = `${HASH_JSON_LUA}${UPDATE_LUA}
local regKey = update(KEYS[1], 6)
if not regKey then return nil end
return hashJson(redis.call('HGETALL', regKey))
`;

/**
 * KEYS: id key, the taking device's mid hash. ARGV: those of the update (5), those of snoozeTakeNext
 * (6), the mid ttl, then the changed field/value pairs. Returns nil when the registration is gone,
 * else {registration (JSON), the take's reply with the mid 5th, or false when the registration is
 * another device's}.
 */
const UPDATE_THEN_TAKE = `${PRELUDE}${MID_LUA}${TAKE_WITH_MID_LUA}${UPDATE_LUA}
local regKey, p, d = update(KEYS[1], 13)
if not regKey then return nil end
if p ~= ARGV[7] or d ~= ARGV[8] then return { hashJson(redis.call('HGETALL', regKey)), false } end
local r = takeNextWithMid(KEYS[2], 6)
return { hashJson(redis.call('HGETALL', regKey)), r }
`;

/** KEYS: id key. ARGV: registration key prefix, id. Returns the removed registration (JSON) or nil. */
const REMOVE = `${HASH_JSON_LUA}${RESOLVE}
local regKey = resolve(KEYS[1], ARGV[1], ARGV[2], {})
if not regKey then return nil end
local fields = hashJson(redis.call('HGETALL', regKey))
redis.call('DEL', regKey, KEYS[1])
return fields
`;

const SCRIPTS = {
  snoozeLwRegister: { keys: 4, lua: REGISTER },
  snoozeLwRegisterThenTake: { keys: 5, lua: REGISTER_THEN_TAKE },
  snoozeLwFind: { keys: 1, lua: FIND },
  snoozeLwUpdate: { keys: 1, lua: UPDATE },
  snoozeLwUpdateThenTake: { keys: 2, lua: UPDATE_THEN_TAKE },
  snoozeLwRemove: { keys: 1, lua: REMOVE },
  ...MID_SCRIPTS,
} as const satisfies ScriptTable;

export interface RedisRegistrationStoreOptions {
  keyPrefix?: string;
  partitions?: number;
  /** As the RedisStore's of the same keys (results of transitions made here are stored alike). */
  inlineValueMax?: number;
}

/** RegistrationStore on Redis: one Lua script (one round trip, one slot) per operation. */
export class RedisRegistrationStore implements RegistrationStore {
  readonly keys: RedisKeys;
  private readonly inlineValueMax: number;
  constructor(
    private readonly redis: Redis,
    options: RedisRegistrationStoreOptions = {},
  ) {
    this.keys = new RedisKeys(options.keyPrefix ?? CORE_DEFAULTS.keyPrefix, options.partitions);
    this.inlineValueMax = options.inlineValueMax ?? CORE_DEFAULTS.inlineValueMax;
    registerScriptTable(redis, SCRIPTS);
  }

  async register(
    input: NewRegistration,
    options: RegistrationOptions = {},
  ): Promise<{ registration: Registration; replaced?: Registration }> {
    const made = await this.runRegister(input, '', options);
    if (!made) throw new Error('registration refused');
    return made;
  }

  registerDevice(
    input: Omit<NewRegistration, 'productId'>,
    options: RegistrationOptions = {},
    take?: WakeUpTake,
  ): Promise<DeviceRegistered | undefined> {
    return this.runRegister({ ...input, productId: '' }, input.nodeId, options, take);
  }

  /**
   * The register script, or with `take` (the registering device's) the one that also takes its next
   * command; `checkNodeId` non-empty: the device check of registerDevice (productId from the device).
   */
  private async runRegister(
    input: NewRegistration,
    checkNodeId: string,
    options: RegistrationOptions,
    take?: WakeUpTake,
  ): Promise<DeviceRegistered | undefined> {
    const partition = this.keys.partitionOf(input);
    const registration: Registration = {
      ...input,
      registrationId: `${partition}-${randomToken(8)}`,
      updatedAt: input.registeredAt,
    };
    const base = this.keys.base(partition);
    const { presence } = options;
    const fields = toFields(checkNodeId ? { ...registration, productId: undefined } : registration);
    const keys = [
      this.registrationKey(input),
      base + SEG.registrationId + registration.registrationId,
      this.keys.presence(input),
      this.keys.device(input),
    ];
    const args: (string | number)[] = [
      base + SEG.registrationId,
      input.lifetimeS * 1000,
      `${input.projectId}:${input.deviceId}`,
      presence ? presenceTtlMs(input, presence.queueModeAwakeMs) : '',
      input.ingressId,
      checkNodeId,
    ];
    if (take) {
      keys.push(this.midKey(input));
      args.push(...takeNextArgs(this.keys, input, input.registeredAt, take.deadline, this.inlineValueMax));
      args.push(take.midTtlMs);
    }
    const reply = await this.run(take ? 'snoozeLwRegisterThenTake' : 'snoozeLwRegister', keys, [...args, ...fields]);
    if (!Array.isArray(reply)) return undefined;
    const [previous, productId, taken] = reply as [unknown, string | null, unknown];
    if (checkNodeId) registration.productId = productId ?? '';
    const made: DeviceRegistered = { registration };
    const replaced = fromJson(previous);
    if (replaced) made.replaced = replaced;
    if (taken) made.next = takeNextFromReply(taken);
    return made;
  }

  async get(ref: DeviceRef): Promise<Registration | undefined> {
    return fromFields(await this.redis.hgetall(this.registrationKey(ref)));
  }

  findById(registrationId: string): Promise<Registration | undefined> {
    return this.byId('snoozeLwFind', registrationId, () => []);
  }

  update(
    registrationId: string,
    changes: RegistrationUpdate,
    at: number,
    options: RegistrationOptions = {},
  ): Promise<Registration | undefined> {
    return this.byId('snoozeLwUpdate', registrationId, (base) => [
      ...this.updateArgs(base, registrationId, at, options).slice(2),
      ...toFields(changes),
    ]);
  }

  /** ARGV 1..5 of an update (UPDATE_LUA). */
  private updateArgs(
    base: string,
    registrationId: string,
    at: number,
    options: RegistrationOptions,
  ): (string | number)[] {
    const { presence } = options;
    return [
      base + SEG.registration,
      registrationId,
      at,
      presence ? base + CORE_SEG.presence : '',
      presence?.queueModeAwakeMs ?? '',
    ];
  }

  async updateThenTake(
    registrationId: string,
    changes: RegistrationUpdate,
    at: number,
    options: RegistrationOptions,
    take: WakeUpTake,
  ): Promise<{ registration: Registration; next?: TakeNextResult } | undefined> {
    const base = this.baseOfId(registrationId);
    if (base === undefined) return undefined;
    const { device } = take;
    const reply = await this.run(
      'snoozeLwUpdateThenTake',
      [base + SEG.registrationId + registrationId, this.midKey(device)],
      [
        ...this.updateArgs(base, registrationId, at, options),
        ...takeNextArgs(this.keys, device, at, take.deadline, this.inlineValueMax),
        take.midTtlMs,
        ...toFields(changes),
      ],
    );
    if (!Array.isArray(reply)) return undefined;
    const [json, taken] = reply as [unknown, unknown];
    const registration = fromJson(json);
    if (!registration) return undefined;
    return taken ? { registration, next: takeNextFromReply(taken) } : { registration };
  }

  remove(registrationId: string): Promise<Registration | undefined> {
    return this.byId('snoozeLwRemove', registrationId, () => []);
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

  async takeNextWithMid(ref: DeviceRef, now: number, deadline: number, midTtlMs: number): Promise<TakeNextResult> {
    const reply = await this.run(
      'snoozeLwTakeNext',
      [this.keys.pending(ref), this.midKey(ref)],
      [...takeNextArgs(this.keys, ref, now, deadline, this.inlineValueMax), midTtlMs],
    );
    return takeNextFromReply(reply);
  }

  async transitionWithMid(ref: CommandRef, change: TransitionThenTake, midTtlMs: number): Promise<TransitionOutcome> {
    assertDeadline(change.to, change.deadline);
    const reply = await this.run(
      'snoozeLwTransition',
      [this.keys.command(this.keys.partitionOf(ref), ref.commandId), this.midKey(ref)],
      [...transitionArgs(this.keys, ref, change, this.inlineValueMax), midTtlMs],
    );
    return transitionFromReply(ref, change, reply);
  }

  /** The scripts addressed by registration id: KEYS = its id key; ARGV = registration key prefix, id, `args`. */
  private async byId(
    name: 'snoozeLwFind' | 'snoozeLwUpdate' | 'snoozeLwRemove',
    registrationId: string,
    args: (base: string) => (string | number)[],
  ): Promise<Registration | undefined> {
    const base = this.baseOfId(registrationId);
    if (base === undefined) return undefined;
    const keys = [base + SEG.registrationId + registrationId];
    return fromJson(await this.run(name, keys, [base + SEG.registration, registrationId, ...args(base)]));
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

/** A registration as the scripts return it (hashJson), or undefined. */
function fromJson(reply: unknown): Registration | undefined {
  return fromFields(fieldsFromJson(reply));
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
