import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT, STORE_KINDS, startTestDispatcher, type TestDispatcher } from './harness.js';

const SUBJECT = { resource: 'device.command.status', event: 'update' };
const RECEIVER = 'http://127.0.0.1:9/iot/command-status';

describe.each(STORE_KINDS)('forwarding rules and actions over HTTP (%s store)', (kind) => {
  let t: TestDispatcher;
  beforeAll(async () => {
    t = await startTestDispatcher(kind);
  });
  afterAll(() => t.close());

  const project = { project_id: PROJECT };
  const newRule = async (body: Record<string, unknown> = {}) =>
    (await t.api.call('createRoutingRule', { path: project, body: { subject: SUBJECT, ...body } })).body;

  it('creates a rule inactive, activates it, and deletes it with its actions', async () => {
    const rule = await newRule({ rule_name: 'cmd-status' });
    expect(rule).toMatchObject({ rule_name: 'cmd-status', subject: SUBJECT, app_type: 'GLOBAL', active: false });
    const action = await t.api.call('createRuleAction', {
      path: project,
      body: {
        rule_id: rule.rule_id,
        channel: 'HTTP_FORWARDING',
        channel_detail: { http_forwarding: { url: RECEIVER, signature_enable: true, token: 'secret123' } },
      },
    });
    expect(action.status).toBe(201);
    expect(action.body.channel_detail.http_forwarding).toEqual({
      url: RECEIVER,
      signature_enable: true,
      sni_enable: false,
    });

    const activated = await t.api.call('updateRoutingRule', {
      path: { ...project, rule_id: rule.rule_id },
      body: { active: true },
    });
    expect(activated.body.active).toBe(true);
    const listed = await t.api.call('listRuleActions', { path: project, query: { rule_id: rule.rule_id } });
    expect(listed.body).toMatchObject({ count: 1, actions: [{ action_id: action.body.action_id }] });

    expect((await t.api.call('deleteRoutingRule', { path: { ...project, rule_id: rule.rule_id } })).status).toBe(204);
    const gone = await t.api.call('showRuleAction', { path: { ...project, action_id: action.body.action_id } });
    expect([gone.status, gone.body.error_code]).toEqual([404, 'IOTDA.010006']);
  });

  it('updates and deletes actions; unknown ids are 404', async () => {
    const rule = await newRule();
    const action = await t.api.call('createRuleAction', {
      path: project,
      body: {
        rule_id: rule.rule_id,
        channel: 'AMQP_FORWARDING',
        channel_detail: { amqp_forwarding: { queue_name: 'cmd-status-q' } },
      },
    });
    const updated = await t.api.call('updateRuleAction', {
      path: { ...project, action_id: action.body.action_id },
      body: { channel: 'HTTP_FORWARDING', channel_detail: { http_forwarding: { url: RECEIVER } } },
    });
    expect(updated.body).toMatchObject({
      channel: 'HTTP_FORWARDING',
      channel_detail: { http_forwarding: { url: RECEIVER } },
    });
    expect(
      (await t.api.call('deleteRuleAction', { path: { ...project, action_id: action.body.action_id } })).status,
    ).toBe(204);
    expect(
      (await t.api.call('deleteRuleAction', { path: { ...project, action_id: action.body.action_id } })).status,
    ).toBe(404);
    expect((await t.api.call('showRoutingRule', { path: { ...project, rule_id: 'missing' } })).status).toBe(404);
    const orphan = await t.api.call('createRuleAction', {
      path: project,
      body: { rule_id: 'missing', channel: 'HTTP_FORWARDING', channel_detail: { http_forwarding: { url: RECEIVER } } },
    });
    expect([orphan.status, orphan.body.error_code]).toEqual([404, 'IOTDA.010002']);
  });

  it.each([
    ['a channel IoTDA has but Snooze does not forward to', { channel: 'DIS_FORWARDING', channel_detail: {} }],
    [
      'a detail that does not match the channel',
      { channel: 'AMQP_FORWARDING', channel_detail: { http_forwarding: { url: RECEIVER } } },
    ],
    [
      'a non-HTTP URL',
      { channel: 'HTTP_FORWARDING', channel_detail: { http_forwarding: { url: 'ftp://127.0.0.1/x' } } },
    ],
    [
      'a token with symbols',
      { channel: 'HTTP_FORWARDING', channel_detail: { http_forwarding: { url: RECEIVER, token: 'a-b' } } },
    ],
    [
      'signature without token',
      { channel: 'HTTP_FORWARDING', channel_detail: { http_forwarding: { url: RECEIVER, signature_enable: true } } },
    ],
  ])('rejects an action with %s', async (_what, body) => {
    const rule = await newRule();
    const res = await t.api.call('createRuleAction', { path: project, body: { rule_id: rule.rule_id, ...body } });
    expect(res.status).toBe(400);
  });

  it('rejects rules with an unknown subject and half an SQL update', async () => {
    const bad = await t.api.call('createRoutingRule', {
      path: project,
      body: { subject: { resource: 'device.command.status', event: 'report' } },
    });
    expect([bad.status, bad.body.error_code]).toEqual([400, 'IOTDA.010000']);
    const rule = await newRule();
    const half = await t.api.call('updateRoutingRule', {
      path: { ...project, rule_id: rule.rule_id },
      body: { select: '*' },
    });
    expect([half.status, half.body.error_code]).toEqual([400, 'IOTDA.010000']);
  });

  it('lists rules with filters and paging', async () => {
    const mine = [];
    for (let i = 0; i < 3; i++) mine.push((await newRule({ rule_name: 'paged' })).rule_id);
    const page = await t.api.call('listRoutingRules', { path: project, query: { rule_name: 'paged', limit: 2 } });
    expect(page.body.count).toBe(3);
    expect(page.body.rules.map((r: { rule_id: string }) => r.rule_id)).toEqual([mine[2], mine[1]]);
    const active = await t.api.call('listRoutingRules', { path: project, query: { rule_name: 'paged', active: true } });
    expect(active.body.count).toBe(0);
  });
});
