import type { DeviceCommandStatusNotification } from '../../src/notifications/notification.js';
import type { Pusher, PushOutcome, PushRequest } from '../../src/notifications/pusher.js';

export interface Received {
  actionId: string;
  eventId: string;
  body: DeviceCommandStatusNotification;
}

/** A pusher that records what it is asked to deliver and answers what `behave` says (delivered by default). */
export class FakePusher implements Pusher {
  readonly received: Received[] = [];
  readonly attempts: Received[] = [];
  behave: (request: PushRequest) => Promise<PushOutcome> | PushOutcome = () => ({ ok: true });

  async push(request: PushRequest): Promise<PushOutcome> {
    const record = {
      actionId: request.action.actionId,
      eventId: request.eventId,
      body: JSON.parse(request.body) as DeviceCommandStatusNotification,
    };
    this.attempts.push(record);
    const outcome = await this.behave(request);
    if (outcome.ok) this.received.push(record);
    return outcome;
  }

  async close(): Promise<void> {}
}
