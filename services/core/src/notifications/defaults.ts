const HOUR = 60 * 60 * 1000;

/** Every tunable of the notification forwarder; the dispatcher's notify/config.ts maps env vars onto them. */
export const FORWARDER_DEFAULTS = {
  /** A replica holds a partition this long unless it renews (every third of it); a dead one's expire. */
  leaseTtlMs: 10_000,
  /** Events read from a partition's log per fan-out step. */
  eventBatch: 500,
  /** Entries of one outbox delivered per round. */
  outboxBatch: 256,
  /** Pushes in flight per outbox (one device's pushes are always one at a time, in order). */
  concurrency: 32,
  /** How long one read waits for new events before looking again. */
  blockMs: 1_000,
  /**
   * After fanning out a small batch, a partition waits this long before reading again, and an outbox settles
   * at most once per this time: events then travel in batches and Redis calls stay ~100/s per partition,
   * whatever the load, for at most this much added latency.
   */
  lingerMs: 5,
  /**
   * Events that nothing is pushed for (no active rule of their projects) need no write: the partition
   * stores its cursor past them (and trims its log) at most this often, or with the next fan-out that
   * pushes something. A replica that dies meanwhile leaves them to be read again, and again skipped.
   */
  cursorSaveMs: 1_000,
  /**
   * After a batch that pushed nothing, a partition waits this long (instead of `lingerMs`) before reading
   * again: such events cost only reads, and no receiver waits for them. An event that does have a push
   * may wait this much longer when it follows such a batch.
   */
  quietLingerMs: 50,
  /** Rule and action changes take effect within this time. */
  targetsTtlMs: 1_000,
  backoffBaseMs: 1_000,
  backoffMaxMs: 60_000,
  /** IoTDA keeps 24 h of undeliverable pushes (reference iotda-rules-devices.md §5). */
  retryHorizonMs: 24 * HOUR,
  /** Approximate cap of each partition's dead-letter stream: it is for inspection, not a second backlog. */
  deadLetterMaxLen: 100_000,
  /** Pause after an unexpected error (Redis unreachable) before trying again. */
  errorDelayMs: 500,
} as const;
