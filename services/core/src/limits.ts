/**
 * Every limit of the API, in one place. The OpenAPI contract states the same numbers for clients;
 * `limits.test.ts` checks that the two agree, so neither can drift alone.
 */
export const LIMITS = {
  /** IoTDA caches at most 20 PENDING commands per device (reference §8.1). */
  maxPendingPerDevice: 20,
  /** `expire_time` 0 or absent means 24 h; at most 2 days (reference §3). */
  defaultExpireSeconds: 24 * 60 * 60,
  maxExpireSeconds: 2 * 24 * 60 * 60,
  /** The original API page allows a request object of 256 KB; `paras` is measured as serialized JSON. */
  maxParasBytes: 256 * 1024,
  deviceIdMaxLength: 128,
  commandIdMaxLength: 100,
  serviceIdMaxLength: 64,
  commandNameMaxLength: 128,
  nodeIdMaxLength: 64,
  pageLimitDefault: 10,
  pageLimitMax: 50,
  pageOffsetMax: 500,
} as const;
