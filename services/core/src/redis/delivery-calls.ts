import type { Command, CommandRef, CommandStatus, DeviceRef } from '../model.js';
import type { TakeNextResult, TransitionOutcome, TransitionRequest } from '../store.js';
import { placementOf } from '../store-support.js';
import { commandFromFields, fieldsFromJson } from './codec.js';
import type { RedisKeys } from './keys.js';

/**
 * How TypeScript calls the two delivery steps of the Lua library (`transition` and `takeNext` in
 * scripts.ts) and reads their replies. RedisStore uses them, and so do the registration store's
 * variants that give the command taken its mid in the same script (registrations/redis-mids.ts).
 */

/** ARGV of `takeNext` (the snoozeTakeNext script and its variants). */
export function takeNextArgs(
  keys: RedisKeys,
  ref: DeviceRef,
  now: number,
  deadline: number,
  inlineMax: number,
): (string | number)[] {
  return [keys.baseOf(ref), ref.projectId, ref.deviceId, now, deadline, inlineMax];
}

/** ARGV of `transitionThenTake` (the snoozeTransition script and its variants). */
export function transitionArgs(
  keys: RedisKeys,
  ref: CommandRef,
  change: TransitionRequest,
  inlineMax: number,
): (string | number)[] {
  const args: (string | number)[] = [
    keys.baseOf(ref),
    ref.commandId,
    ref.projectId,
    ref.deviceId,
    change.to,
    change.from.join(','),
    change.at,
    placementOf(change.to) === 'active' ? (change.deadline ?? change.at) : change.at,
    change.result === undefined ? '' : JSON.stringify(change.result),
    inlineMax,
    change.brief ? '1' : '',
    change.deliveredAt ?? '',
  ];
  if (change.takeNext) args.push(change.takeNext.deadline);
  return args;
}

/** `{busy, expired[, id, snapshot[, mid]]}` as a TakeNextResult. */
export function takeNextFromReply(reply: unknown): TakeNextResult {
  const [busy, expired, id, snapshot, mid] = reply as [number, number, string?, unknown?, number?];
  const result: TakeNextResult = { busy: busy === 1, expired: Number(expired) };
  const command = id === undefined ? undefined : commandFromSnapshot(id, snapshot);
  if (command) {
    result.command = command;
    if (mid !== undefined && mid !== null) result.mid = Number(mid);
  }
  return result;
}

/**
 * `{1, snapshot (or nil when brief)} | {0, reason, current}`, with the take's reply 4th when one was asked
 * for.
 */
export function transitionFromReply(ref: CommandRef, change: TransitionRequest, reply: unknown): TransitionOutcome {
  const [applied, detail, current, take] = reply as [number, unknown, unknown?, unknown?];
  let outcome: TransitionOutcome;
  const command = applied === 1 && !change.brief ? commandFromSnapshot(ref.commandId, detail) : undefined;
  if (command) outcome = { applied: true, command };
  else if (applied === 1 && change.brief) outcome = { applied: true };
  else if (applied !== 1 && detail === 'illegal') {
    outcome = { applied: false, reason: 'illegal', current: current as CommandStatus };
  } else outcome = { applied: false, reason: 'not_found' };
  if (take !== undefined && take !== null) outcome.next = takeNextFromReply(take);
  return outcome;
}

/** A script's `{hash JSON, paras, result}` snapshot of a command. */
export function commandFromSnapshot(commandId: string, snapshot: unknown): Command | undefined {
  if (!Array.isArray(snapshot)) return undefined;
  const [json, paras, result] = snapshot as [unknown, string | null, string | null];
  return commandFromFields(commandId, fieldsFromJson(json), paras, result);
}
