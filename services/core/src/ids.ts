import { v7 } from 'uuid';

/**
 * Base-64 digits in ASCII order, all within the API's id alphabet `[A-Za-z0-9_-]`: comparing two encoded ids
 * as strings compares the numbers they encode.
 */
const DIGITS = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
const ID_LENGTH = 22; // 128 bits in 6-bit digits

/**
 * A new record id: a UUIDv7 (creation time in ms first; `uuid` keeps a monotonic counter within the process)
 * written in 22 order-preserving base-64 digits instead of 36 hex-and-dash characters. Comparing ids as strings
 * orders records by creation, which marker paging ("only ids below the marker") and the sorted-set indexes rely
 * on; the shorter form matters because an id is stored in several keys and index members per command.
 */
export function newId(): string {
  let value = 0n;
  for (const byte of v7(undefined, new Uint8Array(16))) value = (value << 8n) | BigInt(byte);
  let id = '';
  for (let i = 0; i < ID_LENGTH; i++) {
    id = DIGITS[Number(value & 63n)] + id;
    value >>= 6n;
  }
  return id;
}
