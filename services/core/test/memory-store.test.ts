import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/memory-store.js';
import { allEvents, describeStoreConformance, device, record } from './store-conformance.js';

describeStoreConformance('MemoryStore', async (options = {}) => ({
  store: new MemoryStore({ partitions: 4, ...options }),
  dispose: async () => {},
}));

describe('MemoryStore event log', () => {
  const ref = { projectId: 'proj1', deviceId: 'dev1' };

  it('caps the log when nothing forwards it, and tells watchers about every event', async () => {
    const store = new MemoryStore({ partitions: 4, eventsMaxLen: 10 });
    const seen: number[] = [];
    const unwatch = store.watchEvents((partition) => seen.push(partition));
    await store.addDevice(device(ref));
    for (let i = 0; i < 300; i++) await store.createCommand(record(ref, { status: 'FAILED' }), 20);
    unwatch();
    await store.createCommand(record(ref, { status: 'FAILED' }), 20);
    expect(seen).toEqual(Array(300).fill(store.partitionOf(ref)));
    const kept = await allEvents(store, store.partitionOf(ref));
    expect(kept.length).toBeGreaterThanOrEqual(10);
    expect(kept.length).toBeLessThan(300);
  });
});
