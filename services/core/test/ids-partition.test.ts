import { describe, expect, it } from 'vitest';
import { newId } from '../src/ids.js';
import { fnv1a32, partitionOf, partitionTag } from '../src/partition.js';

describe('newId', () => {
  it('sorts as strings in creation order, even within one millisecond', () => {
    const ids = Array.from({ length: 20_000 }, () => newId());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('partitions', () => {
  it('uses FNV-1a 32 (published test vectors)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('maps a device to a stable partition of projectId/deviceId', () => {
    const ref = { projectId: 'proj1', deviceId: 'dev1' };
    expect(partitionOf(ref, 16)).toBe(fnv1a32('proj1/dev1') % 16);
    expect(partitionOf(ref, 1)).toBe(0);
    expect(partitionTag(3)).toBe('{p3}');
  });

  it('spreads devices over all partitions', () => {
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i++) {
      const p = partitionOf({ projectId: 'proj', deviceId: `prod_86612345${i}` }, 16);
      counts[p] = (counts[p] ?? 0) + 1;
    }
    for (const n of counts) {
      expect(n).toBeGreaterThan(800);
      expect(n).toBeLessThan(1200);
    }
  });
});
