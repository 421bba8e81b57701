import type { Runtime } from '../runtime.js';
import { MemoryPartitionLeases } from './memory-leases.js';
import { MemoryForwarderLog } from './memory-log.js';
import type { ForwarderLog, PartitionLeases } from './ports.js';
import { NotifyKeys } from './redis-keys.js';
import { RedisPartitionLeases } from './redis-leases.js';
import { RedisForwarderLog } from './redis-log.js';

export interface ForwarderPorts {
  log: ForwarderLog;
  leases: PartitionLeases;
}

export interface ForwarderPortOptions {
  deadLetterMaxLen?: number;
  onError?: (error: unknown) => void;
}

/** One embedded log per store: its cursors and outboxes live in this process, beside the store's events. */
const embedded = new WeakMap<object, ForwarderPorts>();

/**
 * The forwarder's state for a runtime: Redis beside the store's keys, or memory beside the embedded store.
 * The caller closes `log` when done (Redis: the blocking connections; the runtime's client stays open).
 */
export function forwarderPorts(runtime: Runtime, options: ForwarderPortOptions = {}): ForwarderPorts {
  const logOptions = options.deadLetterMaxLen === undefined ? {} : { deadLetterMaxLen: options.deadLetterMaxLen };
  if (runtime.mode === 'redis') {
    const keys = new NotifyKeys(runtime.store.keys);
    const onError = options.onError ? { onError: options.onError } : {};
    return {
      log: new RedisForwarderLog(runtime.redis, keys, { ...logOptions, ...onError }),
      leases: new RedisPartitionLeases(runtime.redis, keys),
    };
  }
  let ports = embedded.get(runtime.store);
  if (!ports) {
    const leases = new MemoryPartitionLeases();
    ports = { leases, log: new MemoryForwarderLog(runtime.store, leases, logOptions) };
    embedded.set(runtime.store, ports);
  }
  return ports;
}
