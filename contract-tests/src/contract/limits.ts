/**
 * `paras` may be at most this many bytes as JSON. The spec states it as the `x-max-bytes` extension of its `Paras`
 * schema, which no validator reads; a test keeps this number equal to it.
 */
export const PARAS_MAX_BYTES = 262_144;
