import { randomBytes, randomFillSync } from 'node:crypto';
import { v7 } from 'uuid';

/**
 * Base-64 digits in ASCII order, all within the API's id alphabet `[A-Za-z0-9_-]`: comparing two encoded ids
 * as strings compares the numbers they encode.
 */
const DIGITS = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';

/**
 * A new record id: a UUIDv7 (creation time in ms first; `uuid` keeps a monotonic counter within the process)
 * written in 22 order-preserving base-64 digits instead of 36 hex-and-dash characters. Comparing ids as strings
 * orders records by creation, which marker paging ("only ids below the marker") and the sorted-set indexes rely
 * on; the shorter form matters because an id is stored in several keys and index members per command.
 */
export function newId(): string {
  return idFromUuidBytes(v7(undefined, new Uint8Array(16)));
}

/** The 22-digit form of a UUID's 16 bytes: 4 zero bits in front make 132 bits, 22 digits of 6 (no BigInt: hot path). */
export function idFromUuidBytes(bytes: Uint8Array): string {
  let id = '';
  let acc = 0;
  let bits = 4;
  for (const byte of bytes) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      id += DIGITS[(acc >> bits) & 63];
    }
    acc &= (1 << bits) - 1;
  }
  return id;
}

/** Random bytes are drawn from this pool, refilled from the CSPRNG when used up. */
const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let poolAt = POOL_BYTES;

/**
 * `bytes` bytes from the CSPRNG, in base64url: an unguessable token (registration ids). Drawn from a pool,
 * since a `randomBytes` call per token is a native job of its own (about 1 % of the CoAP ingress's CPU when
 * every wake-up registered).
 */
export function randomToken(bytes: number): string {
  if (bytes > POOL_BYTES) return randomBytes(bytes).toString('base64url');
  if (poolAt + bytes > POOL_BYTES) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const token = pool.toString('base64url', poolAt, poolAt + bytes);
  poolAt += bytes;
  return token;
}
