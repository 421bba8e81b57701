/** Proxy scenarios for routing rules and their actions: create, read, update, activate, delete. */
import type { ProxyProbe } from './probe.js';
import { deleteTwice, type ScenarioTarget } from './scenario-target.js';

export async function ruleScenarios(probe: ProxyProbe, t: ScenarioTarget): Promise<void> {
  const project_id = t.main.projectId;
  const rule_name = `proxy-${t.runId}`;
  const subject = { resource: 'device.command.status', event: 'update' } as const;
  const http_forwarding = { url: t.sinkUrl, signature_enable: true, token: 'ProxySuite1' };
  const rule = await probe.step('create a rule', 'createRoutingRule', { status: 201 }, () =>
    t.api.POST('/v5/iot/{project_id}/routing-rule/rules', {
      params: { path: { project_id } },
      body: { rule_name, subject },
    }),
  );
  await probe.step('create a rule for an event its resource lacks', 'createRoutingRule', { status: 400 }, () =>
    t.api.POST('/v5/iot/{project_id}/routing-rule/rules', {
      params: { path: { project_id } },
      body: { subject: { resource: 'device.command.status', event: 'create' } },
    }),
  );
  const rule_id = rule.data?.rule_id ?? `unknown-${t.runId}`;
  const ruleRef = { project_id, rule_id };
  await probe.step('show the rule', 'showRoutingRule', { status: 200 }, () =>
    t.api.GET('/v5/iot/{project_id}/routing-rule/rules/{rule_id}', { params: { path: ruleRef } }),
  );
  await probe.step('list rules by name', 'listRoutingRules', { status: 200 }, () =>
    t.api.GET('/v5/iot/{project_id}/routing-rule/rules', { params: { path: { project_id }, query: { rule_name } } }),
  );
  const action = await probe.step('add an HTTP action', 'createRuleAction', { status: 201 }, () =>
    t.api.POST('/v5/iot/{project_id}/routing-rule/actions', {
      params: { path: { project_id } },
      body: { rule_id, channel: 'HTTP_FORWARDING', channel_detail: { http_forwarding } },
    }),
  );
  await probe.step('add an action whose detail does not match its channel', 'createRuleAction', { status: 400 }, () =>
    t.api.POST('/v5/iot/{project_id}/routing-rule/actions', {
      params: { path: { project_id } },
      body: { rule_id, channel: 'HTTP_FORWARDING', channel_detail: { amqp_forwarding: { queue_name: 'proxy-queue' } } },
    }),
  );
  await probe.step('add an action to an unknown rule', 'createRuleAction', { status: 404 }, () =>
    t.api.POST('/v5/iot/{project_id}/routing-rule/actions', {
      params: { path: { project_id } },
      body: { rule_id: `missing-${t.runId}`, channel: 'HTTP_FORWARDING', channel_detail: { http_forwarding } },
    }),
  );
  const action_id = action.data?.action_id ?? `unknown-${t.runId}`;
  const actionRef = { project_id, action_id };
  await probe.step('show the action', 'showRuleAction', { status: 200 }, () =>
    t.api.GET('/v5/iot/{project_id}/routing-rule/actions/{action_id}', { params: { path: actionRef } }),
  );
  await probe.step('list the rule’s actions', 'listRuleActions', { status: 200 }, () =>
    t.api.GET('/v5/iot/{project_id}/routing-rule/actions', { params: { path: { project_id }, query: { rule_id } } }),
  );
  await probe.step('update the action', 'updateRuleAction', { status: 200 }, () =>
    t.api.PUT('/v5/iot/{project_id}/routing-rule/actions/{action_id}', {
      params: { path: actionRef },
      body: {
        channel: 'HTTP_FORWARDING',
        channel_detail: { http_forwarding: { ...http_forwarding, sni_enable: false } },
      },
    }),
  );
  await probe.step('update an unknown action', 'updateRuleAction', { status: 404 }, () =>
    t.api.PUT('/v5/iot/{project_id}/routing-rule/actions/{action_id}', {
      params: { path: { project_id, action_id: `missing-${t.runId}` } },
      body: { channel: 'HTTP_FORWARDING', channel_detail: { http_forwarding } },
    }),
  );
  await probe.step('activate the rule', 'updateRoutingRule', { status: 200 }, () =>
    t.api.PUT('/v5/iot/{project_id}/routing-rule/rules/{rule_id}', {
      params: { path: ruleRef },
      body: { active: true },
    }),
  );
  await probe.step('activate an unknown rule', 'updateRoutingRule', { status: 404 }, () =>
    t.api.PUT('/v5/iot/{project_id}/routing-rule/rules/{rule_id}', {
      params: { path: { project_id, rule_id: `missing-${t.runId}` } },
      body: { active: true },
    }),
  );
  await deleteTwice(probe, 'action', 'deleteRuleAction', () =>
    t.api.DELETE('/v5/iot/{project_id}/routing-rule/actions/{action_id}', { params: { path: actionRef } }),
  );
  await deleteTwice(probe, 'rule', 'deleteRoutingRule', () =>
    t.api.DELETE('/v5/iot/{project_id}/routing-rule/rules/{rule_id}', { params: { path: ruleRef } }),
  );
}
