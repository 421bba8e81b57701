import { AppError } from './errors.js';
import { isFinal } from './lifecycle.js';
import type { Command, CommandStatus, Device } from './model.js';
import type { CommandFilter, DeviceFilter, Page, PageQuery } from './store.js';

/**
 * Helpers shared by the store implementations, so MemoryStore and RedisStore derive placement,
 * time stamps, filtering and paging from the same code rather than from two restatements.
 */

/** Which per-device index a command sits in, by status. */
export type Placement = 'pending' | 'active' | 'history';

export function placementOf(status: CommandStatus): Placement {
  if (isFinal(status)) return 'history';
  return status === 'PENDING' ? 'pending' : 'active';
}

export type StampField = 'sentAt' | 'deliveredAt' | 'respondedAt';

/** The time field a transition into `status` stamps (TIMEOUT and EXPIRED stamp none). */
export function stampOf(status: CommandStatus): StampField | undefined {
  switch (status) {
    case 'SENT':
      return 'sentAt';
    case 'DELIVERED':
      return 'deliveredAt';
    case 'SUCCESSFUL':
    case 'FAILED':
      return 'respondedAt';
    default:
      return undefined;
  }
}

export function matchesCommand(command: Command, filter: CommandFilter): boolean {
  if (filter.status !== undefined && command.status !== filter.status) return false;
  if (filter.commandName !== undefined && command.commandName !== filter.commandName) return false;
  if (filter.startTime !== undefined && command.createdAt < filter.startTime) return false;
  if (filter.endTime !== undefined && command.createdAt > filter.endTime) return false;
  return true;
}

export function matchesDevice(device: Device, filter: DeviceFilter): boolean {
  if (filter.productId !== undefined && device.productId !== filter.productId) return false;
  if (filter.nodeId !== undefined && device.nodeId !== filter.nodeId) return false;
  if (filter.gatewayId !== undefined && device.gatewayId !== filter.gatewayId) return false;
  if (filter.deviceName !== undefined && device.deviceName !== filter.deviceName) return false;
  if (filter.appId !== undefined && device.appId !== filter.appId) return false;
  if (filter.startTime !== undefined && device.createdAt < filter.startTime) return false;
  if (filter.endTime !== undefined && device.createdAt > filter.endTime) return false;
  return true;
}

export function isEmptyFilter(filter: object): boolean {
  return Object.values(filter).every((value) => value === undefined);
}

/**
 * Pages records already filtered and sorted newest first (descending id): only ids below the marker,
 * then skip `offset`, take `limit`. `count` is the number of matching records, ignoring paging.
 */
export function pageNewestFirst<T>(items: readonly T[], idOf: (item: T) => string, page: PageQuery): Page<T> {
  const { marker } = page;
  const below = marker === undefined ? items : items.filter((item) => idOf(item) < marker);
  const slice = below.slice(page.offset, page.offset + page.limit);
  return withMarker(slice, items.length, idOf);
}

export function withMarker<T>(items: T[], count: number, idOf: (item: T) => string): Page<T> {
  const last = items.at(-1);
  return last === undefined ? { items, count } : { items, count, marker: idOf(last) };
}

/** Descending string order, the order of UUIDv7 record ids from newest to oldest. */
export function byIdDesc(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}

/** Stream-style ids `<ms>-<seq>` compared numerically, as Redis compares them. */
export function compareEventIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am !== bm ? am - bm : as - bs;
}

/** Ids like a Redis Stream's for the in-memory logs: wall-clock ms (never going back), a sequence within the ms. */
export class StreamIds {
  private lastMs = 0;
  private lastSeq = 0;

  next(): string {
    const ms = Math.max(Date.now(), this.lastMs);
    this.lastSeq = ms === this.lastMs ? this.lastSeq + 1 : 0;
    this.lastMs = ms;
    return `${ms}-${this.lastSeq}`;
  }
}

/** The smallest event id after `id`: `XTRIM MINID` keeps ids >= its argument, so this drops `id` itself. */
export function nextEventId(id: string): string {
  const [ms = '0', seq = '0'] = id.split('-');
  return `${ms}-${BigInt(seq) + 1n}`;
}

export function deviceKey(projectId: string, deviceId: string): string {
  return `${projectId}/${deviceId}`;
}

/** A command in flight must have a deadline, or nothing would ever end it. */
export function assertDeadline(to: CommandStatus, deadline: number | undefined): void {
  if (placementOf(to) === 'active' && deadline === undefined) {
    throw new AppError('INTERNAL', `a transition to ${to} needs a deadline`);
  }
}

/** ListDevices never shows the PSK. */
export function listedDevice(device: Device): Device {
  const { secret: _secret, ...listed } = device;
  return structuredClone(listed);
}
