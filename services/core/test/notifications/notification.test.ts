import { describe, expect, it } from 'vitest';
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
  it("reproduces the spec's example signature", () => {
    // openapi/components/callbacks/command-status.yaml: the example body as compact JSON, its example headers.
    const body = JSON.stringify({
      resource: 'device.command.status',
      event: 'update',
      event_time: '20241127T201505Z',
      event_time_ms: '2024-11-27T20:15:05.312Z',
      request_id: '5d8e2f1a-3b4c-4d5e-9f60-718293a4b5c6',
      notify_data: {
        header: {
          app_id: '8d4a34e5363a49bfa809c6bd788e6ffa',
          device_id: '65a1f0c2b7e5c94d1a3f2e10_860123456789012',
          node_id: '860123456789012',
          product_id: '65a1f0c2b7e5c94d1a3f2e10',
          gateway_id: '65a1f0c2b7e5c94d1a3f2e10_860123456789012',
          tags: [],
        },
        body: {
          command_id: '01936f0e-8d2a-7c3b-9f4e-2a1b3c4d5e6f',
          created_time: '20241127T191724Z',
          sent_time: '20241127T201502Z',
          delivered_time: '20241127T201503Z',
          response_time: '20241127T201505Z',
          status: 'SUCCESSFUL',
          result: { code: 0, state: 'ON' },
        },
      },
    });
    expect(webhookSignature('Snooze2024Token', '01936f43-5a60-7d1e-9c2b-3a4f5e6d7c8b', 1732738505, body)).toBe(
      'v1,kQ0orIHsTnoXWUwzYJYiSLza7JfZHHjw1om6xgDHd0s=',
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
