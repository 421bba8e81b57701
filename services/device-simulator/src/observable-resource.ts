/**
 * An observable resource of the device (RFC 7641), the uplink /19/0/0: one observer at a time (the
 * last GET with Observe: 0), notifications CON or NON with increasing sequence numbers, and
 * notifications made while nobody observes kept for the next observer.
 */
import { type CoapTransport, type IncomingRequest, type Peer, uintOption } from '@snooze/coap-ingress/transport';

const CONTENT = '2.05';
/** RFC 7641 §4.4: sequence numbers are 24 bits. */
const SEQUENCE_MODULO = 0x100_0000;

interface Observer {
  transport: CoapTransport;
  peer: Peer;
  token: Buffer;
  /** The GET, while its answer is held back. */
  unanswered: IncomingRequest | undefined;
  /** An RST with the id of the last NON notification is the observer saying it is gone (RFC 7641 §3.6). */
  lastNonMessageId: number | undefined;
}

interface Notification {
  payload: Buffer;
  contentFormat: number;
}

export class ObservableResource {
  private observer: Observer | undefined;
  private queue: Notification[] = [];
  /** One sequence for every observation: whoever observes anew never sees a number go back. */
  private sequence = 0;

  get observed(): boolean {
    return this.observer !== undefined;
  }

  /**
   * A GET with Observe: 0. Answered with the current value (nothing reported yet: empty), or, with
   * `holdAnswer`, only by the first notification.
   */
  observe(transport: CoapTransport, request: IncomingRequest, holdAnswer: boolean, confirmable: boolean): void {
    this.observer = {
      transport,
      peer: request.peer,
      token: request.packet.token,
      unanswered: holdAnswer ? request : undefined,
      lastNonMessageId: undefined,
    };
    if (!holdAnswer) transport.answer(request, { code: CONTENT, options: [this.nextObserveOption()] });
    const queued = this.queue;
    this.queue = [];
    for (const { payload, contentFormat } of queued) this.notify(payload, contentFormat, confirmable);
  }

  notify(payload: Buffer, contentFormat: number, confirmable: boolean): void {
    const observer = this.observer;
    if (!observer) {
      this.queue.push({ payload, contentFormat });
      return;
    }
    // A held-back answer is no ACK (that is the one the radio "lost"): it goes as a notification of its
    // own carrying the GET's message id, as node-coap sent it, which lets the ingress's CoAP stack (it
    // looks messages up by id before token) close its record of the GET.
    const messageId = observer.unanswered?.packet.messageId;
    observer.unanswered = undefined;
    const options = [this.nextObserveOption(), uintOption('Content-Format', contentFormat)];
    const message = { code: CONTENT, token: observer.token, options, payload, messageId };
    if (!confirmable) {
      observer.lastNonMessageId = observer.transport.send(observer.peer, message, false);
      return;
    }
    // RFC 7641 §4.5: an observer that resets a CON notification, or never acknowledges it, is gone.
    observer.transport.send(observer.peer, message, true, (reply) => {
      if ((reply === undefined || reply.reset) && this.observer === observer) this.observer = undefined;
    });
  }

  /** An RST that answered none of our CONs. */
  onReset(messageId: number, peer: Peer): void {
    const observer = this.observer;
    if (observer?.lastNonMessageId === messageId && observer.peer.port === peer.port) this.observer = undefined;
  }

  forget(): void {
    this.observer = undefined;
  }

  private nextObserveOption() {
    this.sequence = (this.sequence + 1) % SEQUENCE_MODULO;
    return uintOption('Observe', this.sequence);
  }
}
