import { MemoryStore } from '../src/memory-store.js';
import { describeStoreConformance } from './store-conformance.js';

describeStoreConformance('MemoryStore', async (options = {}) => ({
  store: new MemoryStore({ partitions: 4, ...options }),
  dispose: async () => {},
}));
