import { randomUUID } from 'node:crypto';
import { type Channel, type ChannelModel, type ConsumeMessage, connect } from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ALL_STATUSES, NotifyHarness, waitFor } from './testing/harness.js';
import { TestReceiver } from './testing/receiver.js';

const AMQP_URL = process.env.SNOOZE_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

describe('command status notifications over AMQP', () => {
  let broker: ChannelModel;
  let channel: Channel;
  let h: NotifyHarness;
  const queues: string[] = [];
  const receivers: TestReceiver[] = [];

  beforeAll(async () => {
    broker = await connect(AMQP_URL);
    channel = await broker.createChannel();
  });
  afterEach(async () => {
    await h.close();
    await Promise.all(receivers.splice(0).map((r) => r.stop()));
  });
  afterAll(async () => {
    for (const queue of queues) await channel.deleteQueue(queue);
    await broker.close();
  });

  /** The application's queue, declared as the pusher declares it (durable). */
  const newQueue = async () => {
    const queue = `snooze-test-${randomUUID()}`;
    queues.push(queue);
    await channel.assertQueue(queue, { durable: true });
    return queue;
  };

  it('publishes persistent, confirmed messages with the same bodies as the HTTP pushes', async () => {
    h = new NotifyHarness('redis');
    const queue = await newQueue();
    const http = await new TestReceiver().start();
    receivers.push(http);
    await h.activeAction('proj1', { amqpForwarding: { queueName: queue } });
    await h.activeAction('proj1', { httpForwarding: { url: http.url } });
    h.startForwarder({ amqpUrl: AMQP_URL });
    const devices = await h.addDevices('proj1', 3);
    const commands = await Promise.all(devices.map((d) => h.runCommand(d)));

    await waitFor(async () => (await channel.checkQueue(queue)).messageCount === 12);
    const messages: ConsumeMessage[] = [];
    await channel.consume(
      queue,
      (message) => {
        if (message) messages.push(message);
      },
      { noAck: true },
    );
    await waitFor(() => messages.length === 12 && http.pushes.length === 12);

    const httpBodies = new Map(http.pushes.map((p) => [p.headers['webhook-id'], p.body]));
    for (const message of messages) {
      const { messageId, contentType, deliveryMode, headers } = message.properties;
      const body = JSON.parse(message.content.toString('utf8'));
      expect(body).toEqual(httpBodies.get(messageId));
      expect(body.request_id).toBe(messageId);
      expect(headers?.['webhook-id']).toBe(messageId);
      expect(Number(headers?.['webhook-timestamp'])).toBeGreaterThan(0);
      expect(contentType).toBe('application/json');
      expect(deliveryMode).toBe(2);
    }
    for (const commandId of commands) {
      const statuses = messages
        .map((m) => JSON.parse(m.content.toString('utf8')).notify_data.body)
        .filter((b) => b.command_id === commandId)
        .map((b) => b.status);
      expect(statuses).toEqual(ALL_STATUSES);
    }
    expect(await h.registry.getSingleMetricAsString('snooze_notifications_pushed_total')).toMatch(
      /channel="AMQP_FORWARDING"} 12/,
    );
  });

  it('retries an unreachable broker and dead-letters past the horizon; without AMQP_URL it dead-letters at once', async () => {
    h = new NotifyHarness('redis');
    await h.activeAction('proj1', { amqpForwarding: { queueName: await newQueue() } });
    const unreachable = h.startForwarder({ amqpUrl: 'amqp://guest:guest@127.0.0.1:1', retryHorizonMs: 300 });
    const [device] = await h.addDevices('proj1', 1);
    if (!device) throw new Error('no device');
    await h.service.createCommand({ ...device, paras: {}, sendStrategy: 'delay' });
    const partition = h.runtime.store.partitionOf(device);
    await waitFor(async () => (await unreachable.forwarder.deadLetters(partition, 10)).length === 1);
    const [letter] = await unreachable.forwarder.deadLetters(partition, 10);
    expect(letter?.cause).toBe('horizon');
    expect(letter?.reason).toMatch(/retry horizon passed; last error: AMQP: .*ECONNREFUSED/);
    expect(letter?.attempts).toBeGreaterThan(1);
    await unreachable.stop();

    const unconfigured = h.startForwarder({ amqpUrl: undefined });
    await h.service.createCommand({ ...device, paras: {}, sendStrategy: 'delay' });
    await waitFor(async () => (await unconfigured.forwarder.deadLetters(partition, 10)).length === 2);
    expect((await unconfigured.forwarder.deadLetters(partition, 10))[1]).toMatchObject({
      cause: 'no_pusher',
      attempts: 0,
    });
  });
});
