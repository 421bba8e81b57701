import type {
  Channel,
  DeadLettered,
  ForwarderObserver,
  OutboxEntry,
  PushAttempt,
  PushVerdict,
  RetryScheduled,
} from '@snooze/core';
import type { Logger } from 'pino';
import type { Counter, Histogram } from 'prom-client';
import type { NotificationMetrics } from './metrics.js';

/** Dead letters of these causes come in whole backlogs: one summary line, not one line per event. */
const SUMMARIZED = new Set(['action_gone', 'no_pusher']);

/** Ids that let an operator find the event: never the receiver's URL or token. */
function ids(partition: number, actionId: string, entry: OutboxEntry | undefined) {
  return {
    partition,
    action_id: actionId,
    ...(entry ? { command_id: entry.event.commandId, event_id: entry.eventId, status: entry.event.status } : {}),
  };
}

/**
 * The labelled children of the per-push metrics, resolved once per channel and outcome: resolving labels
 * hashes them, which at thousands of pushes per second is worth skipping.
 */
function perPush(metrics: NotificationMetrics) {
  const children = new Map<
    string,
    { seconds: Histogram.Internal<string>; lag: Histogram.Internal<string>; count?: Counter.Internal }
  >();
  return (channel: Channel, verdict: PushVerdict) => {
    const key = `${channel}/${verdict}`;
    let child = children.get(key);
    if (!child) {
      const count =
        verdict === 'delivered'
          ? metrics.pushed.labels({ channel })
          : verdict === 'retry'
            ? metrics.retried.labels({ channel })
            : undefined;
      child = {
        seconds: metrics.pushSeconds.labels({ channel, outcome: verdict }),
        lag: metrics.lagSeconds.labels({ channel }),
        ...(count ? { count } : {}),
      };
      children.set(key, child);
    }
    return child;
  };
}

/** Turns what the forwarder reports into the notification metrics and log lines. */
export function notifyObserver(metrics: NotificationMetrics, logger: Logger): ForwarderObserver {
  const push = perPush(metrics);
  return {
    attempted({ partition, target, action, entry, outcome, verdict, attempt, durationMs }: PushAttempt) {
      const child = push(action.channel, verdict);
      child.seconds.observe(durationMs / 1000);
      child.count?.inc();
      if (verdict === 'delivered') child.lag.observe(Math.max(0, Date.now() - entry.event.at) / 1000);
      if (logger.isLevelEnabled('debug')) {
        const reason = outcome.ok ? undefined : outcome.reason;
        logger.debug({ ...ids(partition, target.actionId, entry), attempt, verdict, reason }, 'notification push');
      }
    },
    retryScheduled({ partition, target, failures, delayMs, reason, waiting }: RetryScheduled) {
      logger.warn(
        {
          ...ids(partition, target.actionId, waiting[0]),
          failures,
          delay_ms: delayMs,
          waiting: waiting.length,
          reason,
        },
        'notification push failed, retrying',
      );
    },
    deadLettered({ partition, target, channel, letters }: DeadLettered) {
      for (const letter of letters) metrics.deadLettered.inc({ channel: channel ?? 'unknown', cause: letter.cause });
      const [first] = letters;
      if (first && SUMMARIZED.has(first.cause)) {
        logger.warn(
          {
            ...ids(partition, target.actionId, first.entry),
            count: letters.length,
            cause: first.cause,
            reason: first.reason,
          },
          'notifications dead-lettered',
        );
        return;
      }
      for (const { entry, cause, reason, attempts } of letters) {
        logger.error(
          { ...ids(partition, target.actionId, entry), cause, reason, attempts },
          'notification dead-lettered',
        );
      }
    },
    partitionAcquired(partition) {
      logger.info({ partition }, 'notification partition acquired');
    },
    partitionReleased(partition, why) {
      logger.info({ partition, why }, 'notification partition released');
    },
    error(err, { target, ...context }) {
      logger.error(
        { err, ...context, ...(target ? { action_id: target.actionId } : {}) },
        'notification forwarder error',
      );
    },
  };
}
