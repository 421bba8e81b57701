import { messageOf, type Pusher, type PushOutcome, type PushRequest, webhookHeaders } from '@snooze/core';
import { type ChannelModel, type ConfirmChannel, connect } from 'amqplib';

export interface AmqpPusherOptions {
  url: string;
  /** Connecting, declaring the queue and the broker's confirm must each finish within this time. */
  timeoutMs: number;
  onError?: (error: unknown) => void;
}

/** One broker connection with its confirm channel; dropped as a whole when either closes. */
interface Link {
  model: ChannelModel;
  channel: ConfirmChannel;
  /** Queues known to exist on this connection. */
  declared: Set<string>;
  /** Message ids the broker returned as unroutable (basic.return comes before the ack of the same message). */
  returned: Set<string>;
}

/** 406 PRECONDITION_FAILED on declare: the queue exists with other arguments, which is fine for publishing. */
const PRECONDITION_FAILED = 406;

/**
 * AMQP_FORWARDING: publishes the notification to the action's queue on an AMQP 0-9-1 broker, as a
 * persistent message with the event id as `messageId` and the Standard Webhooks headers, and counts it
 * delivered only when the broker confirms it (publisher confirms). Queues are declared durable on first
 * use (IoTDA creates them with its queue API, which this service does not have); messages are `mandatory`,
 * so one the broker cannot route is a failure, not a silent loss. A lost connection is rebuilt on the next push.
 */
export class AmqpPusher implements Pusher {
  private link: Promise<Link> | undefined;
  private current: Link | undefined;

  constructor(private readonly options: AmqpPusherOptions) {}

  async push({ action, eventId, body, signal }: PushRequest): Promise<PushOutcome> {
    const queue = action.channelDetail.amqpForwarding?.queueName;
    if (!queue) return { ok: false, retryable: false, reason: 'the action has no queue_name' };
    try {
      const link = await this.within(this.connect(), signal);
      if (!link.declared.has(queue)) await this.within(declare(link, queue), signal);
      await this.within(publish(link, queue, eventId, body), signal);
      return { ok: true };
    } catch (error) {
      return { ok: false, retryable: true, reason: `AMQP: ${messageOf(error)}` };
    }
  }

  async close(): Promise<void> {
    const link = await this.link?.catch(() => undefined);
    this.link = undefined;
    await link?.model.close().catch(() => {});
  }

  private connect(): Promise<Link> {
    this.link ??= this.open();
    return this.link;
  }

  private async open(): Promise<Link> {
    const onError = this.options.onError ?? (() => {});
    try {
      const model = await connect(this.options.url, { timeout: this.options.timeoutMs });
      model.on('error', onError);
      const channel = await model.createConfirmChannel();
      const link: Link = { model, channel, declared: new Set(), returned: new Set() };
      const forget = () => this.forget(link);
      model.on('close', forget);
      channel.on('error', onError);
      channel.on('close', () => {
        forget();
        model.close().catch(() => {});
      });
      channel.on('return', (message: { properties: { messageId?: unknown } }) => {
        if (typeof message.properties.messageId === 'string') link.returned.add(message.properties.messageId);
      });
      this.current = link;
      return link;
    } catch (error) {
      this.link = undefined;
      throw error;
    }
  }

  private forget(link: Link): void {
    if (this.current !== link) return;
    this.current = undefined;
    this.link = undefined;
  }

  /** Rejects after the timeout or on abort; the operation itself may still finish (at least once). */
  private within<T>(operation: Promise<T>, signal: AbortSignal): Promise<T> {
    const { timeoutMs } = this.options;
    return new Promise<T>((resolve, reject) => {
      const fail = (error: Error) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        reject(error);
      };
      const onAbort = () => fail(new Error('aborted'));
      const timer = setTimeout(() => fail(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      operation.then((value) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      }, fail);
    });
  }
}

async function declare(link: Link, queue: string): Promise<void> {
  // A channel of its own: a failed declare closes the channel it ran on.
  const channel = await link.model.createChannel();
  channel.on('error', () => {});
  try {
    await channel.assertQueue(queue, { durable: true });
  } catch (error) {
    if ((error as { code?: unknown }).code !== PRECONDITION_FAILED) throw error;
  } finally {
    await channel.close().catch(() => {});
  }
  link.declared.add(queue);
}

function publish(link: Link, queue: string, eventId: string, body: string): Promise<void> {
  const now = Date.now();
  return new Promise<void>((resolve, reject) => {
    link.channel.sendToQueue(
      queue,
      Buffer.from(body),
      {
        persistent: true,
        mandatory: true,
        contentType: 'application/json',
        messageId: eventId,
        timestamp: Math.floor(now / 1000),
        headers: webhookHeaders(eventId, body, undefined, now),
      },
      (error: unknown) => {
        if (error) reject(error instanceof Error ? error : new Error('the broker did not confirm the message'));
        else if (link.returned.delete(eventId)) reject(new Error(`queue ${queue} did not take the message`));
        else resolve();
      },
    );
  });
}
