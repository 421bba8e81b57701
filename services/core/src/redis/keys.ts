import { CORE_DEFAULTS } from '../defaults.js';
import type { DeviceRef } from '../model.js';
import { assertPartitions, partitionOf, partitionTag } from '../partition.js';

/**
 * Key name segments. The Lua scripts derive per-device keys from index members with the same
 * segments (interpolated from this constant), so TypeScript and Lua cannot disagree on the layout.
 */
export const SEG = {
  device: 'dev:',
  pending: 'pend:',
  active: 'act:',
  history: 'hist:',
  command: 'cmd:',
  paras: 'pa:',
  result: 'rs:',
  expiry: 'exp',
  timeouts: 'tmo',
  retention: 'ret',
  events: 'events',
  presence: 'reg:',
  lease: 'lease:sweep',
} as const;

/**
 * The key layout (prefix `P`, partition `N` of the device, `<dev>` = `<projectId>:<deviceId>`):
 *
 * | key                      | type   | content                                                    |
 * | ------------------------ | ------ | ---------------------------------------------------------- |
 * | `P{pN}:dev:<dev>`        | hash   | the device (short fields, see codec.ts)                    |
 * | `P{pN}:pend:<dev>`       | zset 0 | PENDING command ids (lexicographic = creation order)       |
 * | `P{pN}:act:<dev>`        | zset 0 | SENT / DELIVERED command ids (in flight)                   |
 * | `P{pN}:hist:<dev>`       | zset 0 | final command ids                                          |
 * | `P{pN}:cmd:<id>`         | hash   | the command (short fields, see codec.ts)                   |
 * | `P{pN}:pa:<id>`          | string | paras JSON, only when longer than `inlineValueMax`          |
 * | `P{pN}:rs:<id>`          | string | result JSON, only when longer than `inlineValueMax`         |
 * | `P{pN}:exp`              | zset   | PENDING ids by expiresAt                                   |
 * | `P{pN}:tmo`              | zset   | SENT / DELIVERED ids by deadline                           |
 * | `P{pN}:ret`              | zset   | final ids by the time they ended (retention)               |
 * | `P{pN}:events`           | stream | status-change events of the partition (one JSON field `j`)  |
 * | `P{pN}:reg:<dev>`        | string | presence: id of the ingress holding the registration (TTL) |
 * | `P{pN}:lease:sweep`      | string | sweep lease holder (PX)                                    |
 * | `P{nodes}:nodes`         | hash   | node_id → `<projectId>/<deviceId>` (globally unique)       |
 * | `P{proj:<id>}:devs`      | zset 0 | `<recordId>:<deviceId>` of the project, for ListDevices    |
 * | channel `Phandoff:<ing>` | pubsub | hand-off of command refs to ingress `<ing>`                |
 *
 * The notification forwarder's keys (lease, cursor, outboxes, dead letters) are in notifications/redis-keys.ts.
 *
 * Every key of one partition carries the hash tag `{pN}`, so each Lua script touches one cluster slot.
 * Ids must not contain `:` `/` `{` `}`; CommandService validates project and device ids for that.
 */
export class RedisKeys {
  readonly prefix: string;
  readonly partitions: number;

  constructor(prefix: string = CORE_DEFAULTS.keyPrefix, partitions: number = CORE_DEFAULTS.partitions) {
    assertPartitions(partitions);
    this.prefix = prefix;
    this.partitions = partitions;
  }

  partitionOf(ref: DeviceRef): number {
    return partitionOf(ref, this.partitions);
  }

  /** `P{pN}:`, the common start of every key of partition N (passed to the scripts). */
  base(partition: number): string {
    return `${this.prefix}${partitionTag(partition)}:`;
  }

  baseOf(ref: DeviceRef): string {
    return this.base(this.partitionOf(ref));
  }

  device(ref: DeviceRef): string {
    return this.perDevice(SEG.device, ref);
  }

  pending(ref: DeviceRef): string {
    return this.perDevice(SEG.pending, ref);
  }

  active(ref: DeviceRef): string {
    return this.perDevice(SEG.active, ref);
  }

  history(ref: DeviceRef): string {
    return this.perDevice(SEG.history, ref);
  }

  presence(ref: DeviceRef): string {
    return this.perDevice(SEG.presence, ref);
  }

  command(partition: number, commandId: string): string {
    return `${this.base(partition)}${SEG.command}${commandId}`;
  }

  paras(partition: number, commandId: string): string {
    return `${this.base(partition)}${SEG.paras}${commandId}`;
  }

  result(partition: number, commandId: string): string {
    return `${this.base(partition)}${SEG.result}${commandId}`;
  }

  expiry(partition: number): string {
    return this.base(partition) + SEG.expiry;
  }

  timeouts(partition: number): string {
    return this.base(partition) + SEG.timeouts;
  }

  retention(partition: number): string {
    return this.base(partition) + SEG.retention;
  }

  events(partition: number): string {
    return this.base(partition) + SEG.events;
  }

  lease(partition: number): string {
    return this.base(partition) + SEG.lease;
  }

  /** Not per partition: node ids are unique across all projects. */
  nodes(): string {
    return `${this.prefix}{nodes}:nodes`;
  }

  projectDevices(projectId: string): string {
    return `${this.prefix}{proj:${projectId}}:devs`;
  }

  handoffChannel(ingressId: string): string {
    return `${this.prefix}handoff:${ingressId}`;
  }

  private perDevice(segment: string, ref: DeviceRef): string {
    return `${this.baseOf(ref)}${segment}${ref.projectId}:${ref.deviceId}`;
  }
}
