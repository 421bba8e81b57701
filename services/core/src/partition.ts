import type { DeviceRef } from './model.js';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const encoder = new TextEncoder();

/** FNV-1a 32 over the UTF-8 bytes: cheap, stable across processes and versions (unlike a seeded hash). */
export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET;
  for (const byte of encoder.encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME) >>> 0;
  }
  return hash >>> 0;
}

/** The partition of a device. Every key of a device lives in its partition's Redis hash tag. */
export function partitionOf(ref: DeviceRef, partitions: number): number {
  return fnv1a32(`${ref.projectId}/${ref.deviceId}`) % partitions;
}

/** The Redis Cluster hash tag of a partition: all keys carrying it map to one slot. */
export function partitionTag(partition: number): string {
  return `{p${partition}}`;
}

export function assertPartitions(partitions: number): void {
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > 16_384) {
    throw new RangeError(`partitions must be an integer in 1..16384, got ${partitions}`);
  }
}
