/**
 * Every tunable default of the core, in one place. Configuration loading belongs to the services;
 * they pass plain option objects and anything they leave out falls back to these values.
 */
export const CORE_DEFAULTS = {
  /** Fixed at deployment: changing it moves devices to other partitions (and other Redis keys). */
  partitions: 16,
  /** A SENT command must be acknowledged (CoAP ACK) within this time, else TIMEOUT. */
  ackTimeoutMs: 30_000,
  /** A DELIVERED command must get its result within this time, else TIMEOUT. */
  resultTimeoutMs: 60_000,
  /** Finished commands stay readable (history) this long, then the sweeper purges them. */
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  sweepIntervalMs: 1_000,
  /** Upper bound of each kind of work (expire, time out, purge) per partition and sweep call. */
  sweepBatch: 500,
  /** A replica holds a partition's sweep lease at most this long (covers a crash mid-sweep). */
  sweepLeaseMs: 10_000,
  /**
   * Safety cap of each partition's event log in the embedded store only (see MemoryStoreOptions). Redis
   * streams have no cap: the forwarder trims what it has fanned out (see redis/scripts.ts).
   */
  eventsMaxLen: 1_000_000,
  keyPrefix: 'snooze:',
  /**
   * Values longer than this (paras, result JSON) go to their own string key. Redis keeps a hash in the
   * compact listpack encoding only while every value is at most `hash-max-listpack-value` (64 by
   * default); one longer value turns it into a hashtable costing ~1 KB more per command.
   */
  inlineValueMax: 64,
} as const;

export type CoreDefaults = typeof CORE_DEFAULTS;
