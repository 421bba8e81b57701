/**
 * The ingress's side of the core's DeliveryPort, over either runtime: telling which devices are awake
 * here (so the dispatcher's immediate strategy knows where to hand a command) and receiving those
 * hand-offs.
 */
import type { Command, CommandRef, DeviceRef, Runtime } from '@snooze/core';

/** A handed-off command: embedded hand-offs carry it, Redis ones only its reference. */
export type HandOff = { ref: CommandRef; command?: Command };

export interface Presence {
  awake(ref: DeviceRef, ttlMs: number): Promise<void>;
  asleep(ref: DeviceRef): Promise<void>;
  /** Starts receiving hand-offs for this replica; the returned function stops it. */
  listen(onHandOff: (handOff: HandOff) => void): Promise<() => Promise<void>>;
}

export function presenceFor(runtime: Runtime, ingressId: string): Presence {
  if (runtime.mode === 'embedded') {
    const { delivery } = runtime;
    return {
      awake: async (ref, ttlMs) => delivery.markAwake(ref, ttlMs),
      asleep: async (ref) => delivery.markAsleep(ref),
      listen: async (onHandOff) => {
        delivery.setListener((command) => onHandOff({ ref: command, command }));
        return async () => delivery.setListener(undefined);
      },
    };
  }
  const { delivery } = runtime;
  return {
    awake: (ref, ttlMs) => delivery.markAwake(ref, ingressId, ttlMs),
    // Only our own presence: the device may already be registered at another replica.
    asleep: (ref) => delivery.markAsleep(ref, ingressId),
    listen: async (onHandOff) => {
      const subscription = await delivery.subscribe(ingressId, (ref) => onHandOff({ ref }));
      return () => subscription.close();
    },
  };
}
