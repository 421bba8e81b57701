import { type Command, type CommandStatus, DEVICE_PROFILE_FIELDS, type Device, type SendStrategy } from '../model.js';
import type { CommandEvent } from '../store.js';

/**
 * Short hash field names: in a listpack-encoded hash every byte of a field name is paid per record.
 * The Lua scripts receive these names from here (a generated `F` table), never restate them.
 */
export const CMD = {
  projectId: 'p',
  deviceId: 'd',
  status: 's',
  serviceId: 'sv',
  commandName: 'cn',
  paras: 'pa',
  expireTime: 'e',
  sendStrategy: 'ss',
  createdAt: 'c',
  expiresAt: 'x',
  sentAt: 'st',
  deliveredAt: 'dt',
  respondedAt: 'rt',
  result: 'r',
} as const;

export const DEV = {
  nodeId: 'n',
  productId: 'pr',
  deviceName: 'nm',
  description: 'ds',
  gatewayId: 'g',
  secret: 'k',
  createdAt: 'c',
  recordId: 'r',
  /** JSON of the rarely set attributes (DEVICE_PROFILE_FIELDS): one field instead of four. */
  profile: 'pf',
} as const;

export type Fields = Record<string, string>;

/** A record as the scripts return it (`hashJson` in scripts.ts): one JSON object, or nil when gone. */
export function fieldsFromJson(json: unknown): Fields {
  return typeof json === 'string' ? (JSON.parse(json) as Fields) : {};
}

/** Lua returns HGETALL as a flat `[field, value, ...]` array. */
export function fieldsFromFlat(flat: unknown): Fields {
  const fields: Fields = {};
  if (!Array.isArray(flat)) return fields;
  for (let i = 0; i + 1 < flat.length; i += 2) fields[String(flat[i])] = String(flat[i + 1]);
  return fields;
}

/** The command hash fields of a new command, without paras (the script stores those inline or apart). */
export function commandFields(command: Command): string[] {
  const pairs: [string, string | number | undefined][] = [
    [CMD.projectId, command.projectId],
    [CMD.deviceId, command.deviceId],
    [CMD.status, command.status],
    [CMD.serviceId, command.serviceId],
    [CMD.commandName, command.commandName],
    [CMD.expireTime, command.expireTime],
    [CMD.sendStrategy, command.sendStrategy],
    [CMD.createdAt, command.createdAt],
    [CMD.expiresAt, command.expiresAt],
    [CMD.sentAt, command.sentAt],
  ];
  return pairs.flatMap(([field, value]) => (value === undefined ? [] : [field, String(value)]));
}

/**
 * A command from its hash plus the out-of-line paras/result strings (when they were too long to be
 * inlined); undefined when the hash is gone.
 */
export function commandFromFields(
  commandId: string,
  fields: Fields,
  paras?: string | null | false,
  result?: string | null | false,
): Command | undefined {
  const status = fields[CMD.status] as CommandStatus | undefined;
  const projectId = fields[CMD.projectId];
  const deviceId = fields[CMD.deviceId];
  const parasJson = fields[CMD.paras] ?? (paras || undefined);
  if (!status || projectId === undefined || deviceId === undefined || parasJson === undefined) return undefined;
  const command: Command = {
    projectId,
    deviceId,
    commandId,
    paras: JSON.parse(parasJson) as Record<string, unknown>,
    expireTime: Number(fields[CMD.expireTime] ?? 0),
    sendStrategy: (fields[CMD.sendStrategy] ?? 'delay') as SendStrategy,
    status,
    createdAt: Number(fields[CMD.createdAt]),
    expiresAt: Number(fields[CMD.expiresAt]),
  };
  const serviceId = fields[CMD.serviceId];
  const commandName = fields[CMD.commandName];
  if (serviceId !== undefined) command.serviceId = serviceId;
  if (commandName !== undefined) command.commandName = commandName;
  setTime(command, 'sentAt', fields[CMD.sentAt]);
  setTime(command, 'deliveredAt', fields[CMD.deliveredAt]);
  setTime(command, 'respondedAt', fields[CMD.respondedAt]);
  const resultJson = fields[CMD.result] ?? (result || undefined);
  if (resultJson !== undefined) command.result = JSON.parse(resultJson) as Record<string, unknown>;
  return command;
}

type TimeField = 'sentAt' | 'deliveredAt' | 'respondedAt';

function setTime(target: { [K in TimeField]?: number }, name: TimeField, value: string | undefined): void {
  if (value !== undefined) target[name] = Number(value);
}

export function deviceFields(device: Device, recordId: string): string[] {
  const pairs: [string, string | number | undefined][] = [
    [DEV.nodeId, device.nodeId],
    [DEV.productId, device.productId],
    [DEV.deviceName, device.deviceName],
    [DEV.description, device.description],
    [DEV.gatewayId, device.gatewayId],
    [DEV.secret, device.secret],
    [DEV.createdAt, device.createdAt],
    [DEV.recordId, recordId],
    [DEV.profile, profileJson(device)],
  ];
  return pairs.flatMap(([field, value]) => (value === undefined ? [] : [field, String(value)]));
}

export function deviceFromFields(projectId: string, deviceId: string, fields: Fields): Device | undefined {
  const nodeId = fields[DEV.nodeId];
  const productId = fields[DEV.productId];
  const gatewayId = fields[DEV.gatewayId];
  if (nodeId === undefined || productId === undefined || gatewayId === undefined) return undefined;
  const device: Device = {
    projectId,
    deviceId,
    nodeId,
    productId,
    gatewayId,
    createdAt: Number(fields[DEV.createdAt]),
  };
  const { [DEV.deviceName]: deviceName, [DEV.description]: description, [DEV.secret]: secret } = fields;
  if (deviceName !== undefined) device.deviceName = deviceName;
  if (description !== undefined) device.description = description;
  if (secret !== undefined) device.secret = secret;
  const profile = fields[DEV.profile];
  return profile === undefined ? device : { ...device, ...(JSON.parse(profile) as Partial<Device>) };
}

function profileJson(device: Device): string | undefined {
  const profile = Object.fromEntries(
    DEVICE_PROFILE_FIELDS.filter((name) => device[name] !== undefined).map((name) => [name, device[name]]),
  );
  return Object.keys(profile).length === 0 ? undefined : JSON.stringify(profile);
}

/**
 * An event of the partition log: one field `j`, a JSON object of string values with the full names (see
 * `emit` in scripts.ts); entries written as separate fields, as before, read the same.
 */
export function eventFromFields(flat: readonly string[]): CommandEvent {
  const fields =
    flat[0] === 'j' && flat.length === 2 ? (JSON.parse(flat[1] as string) as Fields) : fieldsFromFlat(flat);
  const event: CommandEvent = {
    projectId: fields.projectId ?? '',
    deviceId: fields.deviceId ?? '',
    commandId: fields.commandId ?? '',
    status: (fields.status ?? 'PENDING') as CommandStatus,
    at: Number(fields.at),
    createdAt: Number(fields.createdAt),
  };
  setTime(event, 'sentAt', fields.sentAt);
  setTime(event, 'deliveredAt', fields.deliveredAt);
  setTime(event, 'respondedAt', fields.respondedAt);
  if (fields.result !== undefined) event.result = JSON.parse(fields.result) as Record<string, unknown>;
  if (fields.nodeId !== undefined) event.nodeId = fields.nodeId;
  if (fields.productId !== undefined) event.productId = fields.productId;
  if (fields.gatewayId !== undefined) event.gatewayId = fields.gatewayId;
  if (fields.appId !== undefined) event.appId = fields.appId;
  return event;
}
