import type { Redis } from 'ioredis';
import { CORE_DEFAULTS } from '../defaults.js';
import type { DeliveryPort } from '../delivery.js';
import type { Command, CommandRef, DeviceRef } from '../model.js';
import { RedisKeys } from './keys.js';
import { registerScripts, runScript } from './scripts.js';

export interface RedisDeliveryOptions {
  keyPrefix?: string;
  partitions?: number;
  /** Errors of subscriber connections and of `onCommand` callbacks. */
  onError?: (error: unknown) => void;
}

export interface HandOffSubscription {
  close(): Promise<void>;
}

/**
 * Delivery across processes. Presence: `P{pN}:reg:<projectId>:<deviceId>` holds the id of the ingress
 * that has the device's LwM2M registration, with the registration lifetime as TTL. Hand-off: PUBLISH
 * of the command ref (`{"projectId","deviceId","commandId"}`) on `Phandoff:<ingressId>`; the ingress
 * reads the command itself. Pub/sub is at-most-once: a lost message leaves the command SENT until
 * the sweeper times it out (see DeliveryPort).
 */
export class RedisDelivery implements DeliveryPort {
  readonly keys: RedisKeys;
  private readonly onError: (error: unknown) => void;

  constructor(
    private readonly redis: Redis,
    options: RedisDeliveryOptions = {},
  ) {
    this.keys = new RedisKeys(options.keyPrefix ?? CORE_DEFAULTS.keyPrefix, options.partitions);
    this.onError = options.onError ?? (() => {});
    registerScripts(redis);
  }

  /**
   * The ingress's presence refreshes (queue mode: after each message of the device); register and update
   * set presence in their own scripts (RegistrationStore, `presence` option). `ttlMs`: see presenceTtlMs.
   */
  async markAwake(ref: DeviceRef, ingressId: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.keys.presence(ref), ingressId, 'PX', ttlMs);
  }

  /** With `ingressId`, only that ingress's registration is removed (the device may have moved on). */
  async markAsleep(ref: DeviceRef, ingressId?: string): Promise<void> {
    if (ingressId === undefined) await this.redis.del(this.keys.presence(ref));
    else await runScript(this.redis, 'snoozeDelIf', [this.keys.presence(ref)], [ingressId]);
  }

  async isAwake(ref: DeviceRef): Promise<boolean> {
    return (await this.redis.exists(this.keys.presence(ref))) === 1;
  }

  async ingressOf(ref: DeviceRef): Promise<string | undefined> {
    return (await this.redis.get(this.keys.presence(ref))) ?? undefined;
  }

  async handOff(command: Command): Promise<void> {
    const ingressId = await this.ingressOf(command);
    if (ingressId === undefined) return;
    const ref: CommandRef = { projectId: command.projectId, deviceId: command.deviceId, commandId: command.commandId };
    await this.redis.publish(this.keys.handoffChannel(ingressId), JSON.stringify(ref));
  }

  /** The ingress side: a dedicated subscriber connection receiving the refs handed to `ingressId`. */
  async subscribe(
    ingressId: string,
    onCommand: (ref: CommandRef) => void | Promise<void>,
  ): Promise<HandOffSubscription> {
    const channel = this.keys.handoffChannel(ingressId);
    const subscriber = this.redis.duplicate();
    subscriber.on('error', this.onError);
    subscriber.on('message', (from: string, message: string) => {
      if (from !== channel) return;
      Promise.resolve()
        .then(() => onCommand(parseRef(message)))
        .catch(this.onError);
    });
    await subscriber.subscribe(channel);
    return {
      close: async () => {
        await subscriber.unsubscribe(channel);
        await subscriber.quit();
      },
    };
  }
}

function parseRef(message: string): CommandRef {
  const value = JSON.parse(message) as Partial<CommandRef>;
  if (
    typeof value.projectId !== 'string' ||
    typeof value.deviceId !== 'string' ||
    typeof value.commandId !== 'string'
  ) {
    throw new Error(`malformed hand-off message: ${message}`);
  }
  return { projectId: value.projectId, deviceId: value.deviceId, commandId: value.commandId };
}
