import type { CommandEvent } from '../store.js';

/**
 * The stable id of a status-change event, sent as `webhook-id` and `request_id`. A command enters each
 * status at most once (the lifecycle has no cycles), so its id and the new status name the event uniquely
 * across partitions and deployments; and since it is derived, not stored, a retry, a replica taking over or
 * an event fanned out twice after a crash all carry the same id, which is what lets receivers drop duplicates.
 * (The log position alone would not do: every partition's stream numbers its entries on its own.)
 */
export function eventIdOf(event: Pick<CommandEvent, 'commandId' | 'status'>): string {
  return `${event.commandId}-${event.status}`;
}
