import type { CommandEvent } from '../store.js';

/** The outbox of one action in one partition: its events wait there, in order, until delivered. */
export interface OutboxRef {
  projectId: string;
  actionId: string;
}

/** One event waiting in an outbox. */
export interface OutboxEntry {
  /** Position in the outbox (`<ms>-<seq>`); the ms part is when the event was fanned out. */
  id: string;
  /** The stable id of the event, the same for every action and every attempt (`webhook-id`, `request_id`). */
  eventId: string;
  event: CommandEvent;
}

/** An event bound for one outbox, as the fan-out writes it. */
export interface FanOutItem {
  target: OutboxRef;
  eventId: string;
  event: CommandEvent;
}

/**
 * Why an entry was given up: the receiver refused it for good (a 4xx), it kept failing past the retry
 * horizon, its action is gone (deleted, or its rule deactivated), or no pusher serves its channel here.
 */
export type DeadLetterCause = 'rejected' | 'horizon' | 'action_gone' | 'no_pusher';

/** An outbox entry given up on, with why and after how many push attempts. */
export interface DeadLetter {
  entry: OutboxEntry;
  cause: DeadLetterCause;
  /** For people: the last error or the rule that applied. */
  reason: string;
  attempts: number;
}

/** A dead letter as the partition's dead-letter stream keeps it. */
export interface DeadLetterEntry extends DeadLetter {
  /** Position in the dead-letter stream. */
  id: string;
  target: OutboxRef;
}

/** When an outbox entry was fanned out (epoch ms), read from its position. */
export function enqueuedAt(entry: Pick<OutboxEntry, 'id'>): number {
  return Number(entry.id.slice(0, entry.id.indexOf('-')));
}

export function outboxMember(target: OutboxRef): string {
  return `${target.projectId}:${target.actionId}`;
}

/** Project ids never contain `:` (CommandService refuses them), so the first one separates the two ids. */
export function outboxFromMember(member: string): OutboxRef {
  const cut = member.indexOf(':');
  return { projectId: member.slice(0, cut), actionId: member.slice(cut + 1) };
}
