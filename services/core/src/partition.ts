import type { DeviceRef } from './model.js';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

const mix = (hash: number, byte: number): number => Math.imul(hash ^ byte, FNV_PRIME);

/**
 * FNV-1a 32 over the UTF-8 bytes: cheap, stable across processes and versions (unlike a seeded hash).
 * The UTF-8 bytes are made on the fly, without a buffer per call (it runs several times per store
 * operation); a lone surrogate counts as U+FFFD, as TextEncoder encodes it.
 */
export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      hash = mix(hash, code);
    } else if (code < 0x800) {
      hash = mix(mix(hash, 0xc0 | (code >> 6)), 0x80 | (code & 0x3f));
    } else {
      const low = code >= 0xd800 && code <= 0xdbff ? text.charCodeAt(i + 1) : 0;
      if (low >= 0xdc00 && low <= 0xdfff) {
        i++;
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        hash = mix(hash, 0xf0 | (code >> 18));
        hash = mix(hash, 0x80 | ((code >> 12) & 0x3f));
      } else {
        if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;
        hash = mix(hash, 0xe0 | (code >> 12));
      }
      hash = mix(mix(hash, 0x80 | ((code >> 6) & 0x3f)), 0x80 | (code & 0x3f));
    }
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
