import { type Clock, systemClock } from './clock.js';
import type { Command, DeviceRef } from './model.js';
import { deviceKey } from './store-support.js';

/**
 * How the core reaches devices without knowing CoAP: whether a device is reachable right now, and
 * handing a command that was just made SENT to whoever holds the device's registration.
 *
 * A hand-off is fire-and-forget. If it is lost (no ingress listening, a crash), nothing is retried
 * here: the command stays SENT and the sweeper ends it in TIMEOUT at its ack deadline, which is the
 * truth (the device never acknowledged it). No command is lost silently.
 */
export interface DeliveryPort {
  isAwake(ref: DeviceRef): Promise<boolean>;
  handOff(command: Command): Promise<void>;
}

export type HandOffListener = (command: Command) => void | Promise<void>;

export interface LocalDeliveryOptions {
  clock?: Clock;
  listener?: HandOffListener;
  /** Where a failing listener's error goes (hand-off never fails the creating request). */
  onError?: (error: unknown) => void;
}

/**
 * The single-process delivery: the embedded CoAP ingress marks devices awake/asleep here and
 * registers one listener that receives hand-offs.
 */
export class LocalDelivery implements DeliveryPort {
  /** device key → end of the registration (epoch ms; Infinity without lifetime). */
  private readonly awake = new Map<string, number>();
  private readonly clock: Clock;
  private readonly onError: (error: unknown) => void;
  private listener: HandOffListener | undefined;

  constructor(options: LocalDeliveryOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.listener = options.listener;
    this.onError = options.onError ?? (() => {});
  }

  setListener(listener: HandOffListener | undefined): void {
    this.listener = listener;
  }

  /** `ttlMs` is the LwM2M registration lifetime; without it the device stays awake until marked asleep. */
  markAwake(ref: DeviceRef, ttlMs?: number): void {
    this.awake.set(deviceKey(ref.projectId, ref.deviceId), ttlMs === undefined ? Infinity : this.clock.now() + ttlMs);
  }

  markAsleep(ref: DeviceRef): void {
    this.awake.delete(deviceKey(ref.projectId, ref.deviceId));
  }

  async isAwake(ref: DeviceRef): Promise<boolean> {
    const key = deviceKey(ref.projectId, ref.deviceId);
    const until = this.awake.get(key);
    if (until === undefined) return false;
    if (until > this.clock.now()) return true;
    this.awake.delete(key);
    return false;
  }

  /** Runs the listener after the caller's turn, as a published message would arrive: never blocks it. */
  async handOff(command: Command): Promise<void> {
    const listener = this.listener;
    if (!listener) return;
    const copy = structuredClone(command);
    setImmediate(() => {
      Promise.resolve()
        .then(() => listener(copy))
        .catch(this.onError);
    });
  }
}
