import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { eventIdOf } from '../../src/notifications/event-id.js';
import { buildNotification } from '../../src/notifications/notification.js';
import { backoffDelay, pastHorizon } from '../../src/notifications/retry-policy.js';
import { webhookHeaders, webhookSignature } from '../../src/notifications/webhook.js';
import type { CommandEvent } from '../../src/store.js';

const delivered: CommandEvent = {
  projectId: 'proj1',
  deviceId: 'prod_860123456789012',
  commandId: '01936f0e-8d2a-7c3b-9f4e-2a1b3c4d5e6f',
  status: 'DELIVERED',
  at: Date.UTC(2020, 7, 11, 8, 7, 45, 312),
  createdAt: Date.UTC(2020, 7, 11, 8, 7, 38),
  sentAt: Date.UTC(2020, 7, 11, 8, 7, 38),
  deliveredAt: Date.UTC(2020, 7, 11, 8, 7, 45, 312),
  nodeId: '860123456789012',
  productId: 'prod',
  gatewayId: 'prod_860123456789012',
};

describe('notification body', () => {
  it('has IoTDA\'s shape: compact times, "" for steps not taken, null result, the stable id', () => {
    const id = eventIdOf(delivered);
    expect(id).toBe('01936f0e-8d2a-7c3b-9f4e-2a1b3c4d5e6f-DELIVERED');
    expect(buildNotification(id, delivered, 'rule-app')).toEqual({
      resource: 'device.command.status',
      event: 'update',
      event_time: '20200811T080745Z',
      event_time_ms: '2020-08-11T08:07:45.312Z',
      request_id: id,
      notify_data: {
        header: {
          app_id: 'rule-app',
          device_id: 'prod_860123456789012',
          node_id: '860123456789012',
          product_id: 'prod',
          gateway_id: 'prod_860123456789012',
          tags: [],
        },
        body: {
          command_id: '01936f0e-8d2a-7c3b-9f4e-2a1b3c4d5e6f',
          created_time: '20200811T080738Z',
          sent_time: '20200811T080738Z',
          delivered_time: '20200811T080745Z',
          response_time: '',
          status: 'DELIVERED',
          result: null,
        },
      },
    });
  });

  it("prefers the device's app id to the rule's, and leaves app_id out when neither has one", () => {
    expect(buildNotification('x', { ...delivered, appId: 'dev-app' }, 'rule-app').notify_data.header.app_id).toBe(
      'dev-app',
    );
    expect(buildNotification('x', delivered).notify_data.header).not.toHaveProperty('app_id');
  });
});

describe('webhook signature', () => {
  it("produces the spec's example push, body and signature, from the example's event", () => {
    const spec = parse(readFileSync(new URL('../../../../openapi/dist/openapi.yaml', import.meta.url), 'utf8'));
    type Callback = { post: { requestBody: { content: Record<string, { example: unknown }> } } };
    const [push] = Object.values(spec.components.callbacks.CommandStatus) as Callback[];
    const example = push?.post.requestBody.content['application/json']?.example;
    const header = (name: string) => spec.components.parameters[name].example;
    const event: CommandEvent = {
      projectId: 'p',
      deviceId: '65a1f0c2b7e5c94d1a3f2e10_860123456789012',
      commandId: '-0ZqwDYHdwDtxD9WgwIKtj',
      status: 'SUCCESSFUL',
      at: Date.parse('2024-11-27T20:15:05.312Z'),
      createdAt: Date.parse('2024-11-27T19:17:24Z'),
      sentAt: Date.parse('2024-11-27T20:15:02Z'),
      deliveredAt: Date.parse('2024-11-27T20:15:03Z'),
      respondedAt: Date.parse('2024-11-27T20:15:05Z'),
      result: { code: 0, state: 'ON' },
      nodeId: '860123456789012',
      productId: '65a1f0c2b7e5c94d1a3f2e10',
      gatewayId: '65a1f0c2b7e5c94d1a3f2e10_860123456789012',
      appId: '8d4a34e5363a49bfa809c6bd788e6ffa',
    };
    const eventId = eventIdOf(event);
    const body = JSON.stringify(buildNotification(eventId, event));
    expect(body).toBe(JSON.stringify(example));
    expect(eventId).toBe(header('WebhookId'));
    expect(webhookSignature('Snooze2024Token', eventId, header('WebhookTimestamp'), body)).toBe(
      header('WebhookSignature'),
    );
  });

  it('signs only when there is a token, with the attempt time in seconds', () => {
    expect(webhookHeaders('e1', '{}', undefined, 1_700_000_000_999)).toEqual({
      'webhook-id': 'e1',
      'webhook-timestamp': '1700000000',
    });
    expect(webhookHeaders('e1', '{}', 'tok', 1_700_000_000_999)['webhook-signature']).toBe(
      webhookSignature('tok', 'e1', 1700000000, '{}'),
    );
  });
});

describe('retry policy', () => {
  const policy = { backoffBaseMs: 100, backoffMaxMs: 1_000, retryHorizonMs: 5_000 };

  it('doubles the delay per failure up to the maximum, with half of it jittered', () => {
    const low = { ...policy, random: () => 0 };
    const high = { ...policy, random: () => 0.999_999 };
    expect([1, 2, 3, 4, 5, 9].map((n) => backoffDelay(low, n))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([1, 2, 3, 4, 5, 9].map((n) => backoffDelay(high, n))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('measures the horizon from when the entry was fanned out', () => {
    expect(pastHorizon(policy, { id: '1000-3' }, 6_000)).toBe(false);
    expect(pastHorizon(policy, { id: '1000-3' }, 6_001)).toBe(true);
  });
});
