/**
 * node_id → device, for registrations. Each lookup costs two store round trips (the node index, then
 * the device), and a fleet waking up after an outage registers all at once, so hits are cached for a
 * short while (DEVICE_CACHE_MS). A device deleted meanwhile may register until its entry ages out;
 * its commands are gone with it, so nothing is delivered to it. Misses are never cached: a device
 * provisioned a moment ago must be able to register at once.
 */
import type { CommandService, Device } from '@snooze/core';

/** Entries are pruned of expired ones when the cache grows past this. */
const PRUNE_ABOVE = 100_000;

export class DeviceDirectory {
  private readonly cache = new Map<string, { device: Device; until: number }>();

  constructor(
    private readonly service: CommandService,
    private readonly ttlMs: number,
  ) {}

  async find(nodeId: string): Promise<Device | undefined> {
    const now = Date.now();
    const hit = this.cache.get(nodeId);
    if (hit && hit.until > now) return hit.device;
    const device = await this.service.findDeviceByNodeId(nodeId);
    if (device && this.ttlMs > 0) {
      if (this.cache.size >= PRUNE_ABOVE) this.prune(now);
      this.cache.set(nodeId, { device, until: now + this.ttlMs });
    } else {
      this.cache.delete(nodeId);
    }
    return device;
  }

  private prune(now: number): void {
    for (const [nodeId, entry] of this.cache) if (entry.until <= now) this.cache.delete(nodeId);
  }
}
