import { v7 } from 'uuid';

/**
 * A new record id. UUIDv7 starts with the creation time in ms and `uuid`'s v7 keeps a monotonic
 * counter within the process, so comparing ids as strings orders records by creation: marker
 * paging ("only ids below the marker") and the sorted-set indexes rely on that.
 */
export function newId(): string {
  return v7();
}
