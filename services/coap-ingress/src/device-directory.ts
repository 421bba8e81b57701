/**
 * node_id → device, for registrations. A lookup reads the store's node index alone (one round trip); the
 * registration then checks, in its own store unit, that the device exists with that node_id
 * (RegistrationStore.registerDevice), so a stale answer can never register a device that is gone. A fleet
 * waking up after an outage registers all at once, so hits are cached for a short while (DEVICE_CACHE_MS,
 * in a RecentMap: bounded by two such whiles of registrations, with nothing to prune);
 * an entry the registration finds stale (the device was deleted, or its node_id now belongs to another
 * device) is dropped and looked up again. Misses are never cached: a device provisioned a moment ago must
 * be able to register at once.
 */
import type { CommandService, DeviceRef } from '@snooze/core';
import { RecentMap } from './transport/recent-map.js';

export interface FoundDevice {
  ref: DeviceRef;
  /** Answered from the cache: may be stale. */
  cached: boolean;
}

export class DeviceDirectory {
  private readonly cache: RecentMap<string, { ref: DeviceRef; until: number }>;

  constructor(
    private readonly service: Pick<CommandService, 'findDeviceRefByNodeId'>,
    private readonly ttlMs: number,
  ) {
    this.cache = new RecentMap(ttlMs, Date.now);
  }

  async find(nodeId: string): Promise<FoundDevice | undefined> {
    const now = Date.now();
    const hit = this.cache.get(nodeId);
    if (hit && hit.until > now) return { ref: hit.ref, cached: true };
    const ref = await this.service.findDeviceRefByNodeId(nodeId);
    if (ref && this.ttlMs > 0) {
      this.cache.set(nodeId, { ref, until: now + this.ttlMs });
    } else {
      this.cache.delete(nodeId);
    }
    return ref && { ref, cached: false };
  }

  /** The entry proved stale. */
  forget(nodeId: string): void {
    this.cache.delete(nodeId);
  }
}
