import type { Runtime } from '../runtime.js';
import { MemoryRegistrationStore } from './memory-registration-store.js';
import { RedisRegistrationStore } from './redis-registration-store.js';
import type { RegistrationStore } from './registration.js';

export * from './memory-registration-store.js';
export * from './redis-registration-store.js';
export * from './registration.js';

/** The registration store that goes with a runtime: in memory when embedded, else beside the commands. */
export function openRegistrations(runtime: Runtime): RegistrationStore {
  if (runtime.mode === 'embedded') {
    return new MemoryRegistrationStore({ commands: runtime.store, presence: runtime.delivery });
  }
  return new RedisRegistrationStore(runtime.redis, {
    keyPrefix: runtime.keyPrefix,
    partitions: runtime.store.partitions,
    inlineValueMax: runtime.store.inlineValueMax,
  });
}
